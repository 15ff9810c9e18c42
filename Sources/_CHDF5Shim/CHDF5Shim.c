#include "CHDF5Shim.h"
#include <stdlib.h>
#include <string.h>

hid_t sdfa_h5p_default(void) { return H5P_DEFAULT; }
unsigned sdfa_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
hid_t sdfa_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t sdfa_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t sdfa_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t sdfa_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
hid_t sdfa_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t sdfa_h5s_all(void) { return H5S_ALL; }

void sdfa_h5_silence_errors(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static int64_t dataset_length(hid_t dataset) {
  hid_t space = H5Dget_space(dataset);
  if (space < 0) return -1;
  hsize_t dims[2] = {0, 0};
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank != 1) { H5Sclose(space); return -1; }
  H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  return (int64_t)dims[0];
}

int sdfa_shd_open(const char *path, sdfa_shd_file *out) {
  sdfa_h5_silence_errors();
  memset(out, 0, sizeof(*out));
  out->file = out->times = out->units = out->labels = out->times_mem = out->units_mem = -1;
  out->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (out->file < 0) return -1;
  out->times = H5Dopen2(out->file, "/spikes/times", H5P_DEFAULT);
  if (out->times < 0) { sdfa_shd_close(out); return -2; }
  out->units = H5Dopen2(out->file, "/spikes/units", H5P_DEFAULT);
  if (out->units < 0) { sdfa_shd_close(out); return -3; }
  out->labels = H5Dopen2(out->file, "/labels", H5P_DEFAULT);
  if (out->labels < 0) { sdfa_shd_close(out); return -4; }
  int64_t n = dataset_length(out->times);
  if (n < 0 || dataset_length(out->units) != n || dataset_length(out->labels) != n) { sdfa_shd_close(out); return -5; }
  out->count = n;
  out->times_mem = H5Tvlen_create(H5T_NATIVE_FLOAT);
  out->units_mem = H5Tvlen_create(H5T_NATIVE_UINT16);
  return 0;
}

int sdfa_shd_read_labels(const sdfa_shd_file *f, int64_t *labels) {
  return H5Dread(f->labels, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) < 0 ? -1 : 0;
}

static void reclaim(hid_t type, hid_t space, hvl_t *v) {
#if H5_VERSION_GE(1, 12, 0)
  H5Treclaim(type, space, H5P_DEFAULT, v);
#else
  H5Dvlen_reclaim(type, space, H5P_DEFAULT, v);
#endif
}

static int read_one(hid_t dataset, hid_t memtype, int64_t index, hvl_t *out, hid_t *memspace_out) {
  hid_t filespace = H5Dget_space(dataset);
  hsize_t start = (hsize_t)index, count = 1;
  H5Sselect_hyperslab(filespace, H5S_SELECT_SET, &start, NULL, &count, NULL);
  hid_t memspace = H5Screate_simple(1, &count, NULL);
  herr_t status = H5Dread(dataset, memtype, memspace, filespace, H5P_DEFAULT, out);
  H5Sclose(filespace);
  *memspace_out = memspace;
  return status < 0 ? -1 : 0;
}

int64_t sdfa_shd_read_sample(const sdfa_shd_file *f, int64_t index, float *times, uint16_t *units, int64_t capacity) {
  hvl_t t = {0, NULL}, u = {0, NULL};
  hid_t tspace = -1, uspace = -1;
  int64_t result;
  if (read_one(f->times, f->times_mem, index, &t, &tspace) < 0 || read_one(f->units, f->units_mem, index, &u, &uspace) < 0) {
    result = -1;
  } else if (t.len != u.len) {
    result = -2;
  } else {
    result = (int64_t)t.len;
    if (result <= capacity) {
      if (t.len) memcpy(times, t.p, t.len * sizeof(float));
      if (u.len) memcpy(units, u.p, u.len * sizeof(uint16_t));
    }
  }
  if (tspace >= 0) { reclaim(f->times_mem, tspace, &t); H5Sclose(tspace); }
  if (uspace >= 0) { reclaim(f->units_mem, uspace, &u); H5Sclose(uspace); }
  return result;
}

int sdfa_shd_read_keys(const sdfa_shd_file *f, char *buffer, size_t capacity) {
  hid_t d = H5Dopen2(f->file, "/extra/keys", H5P_DEFAULT);
  if (d < 0) return -1;
  int64_t n = dataset_length(d);
  hid_t ftype = H5Dget_type(d);
  int result = -1;
  if (n >= 0 && H5Tget_class(ftype) == H5T_STRING) {
    size_t used = 0;
    if (H5Tis_variable_str(ftype) > 0) {
      char **names = calloc((size_t)n + 1, sizeof(char *));
      hid_t mem = H5Tcopy(H5T_C_S1);
      H5Tset_size(mem, H5T_VARIABLE);
      if (H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) >= 0) {
        result = (int)n;
        for (int64_t i = 0; i < n; i++) {
          size_t len = names[i] ? strlen(names[i]) : 0;
          if (used + len + 1 > capacity) { result = -1; break; }
          if (len) memcpy(buffer + used, names[i], len);
          buffer[used + len] = 0;
          used += len + 1;
        }
        hid_t space = H5Dget_space(d);
        reclaim(mem, space, (hvl_t *)names);
        H5Sclose(space);
      }
      H5Tclose(mem);
      free(names);
    } else {
      size_t size = H5Tget_size(ftype);
      char *raw = calloc((size_t)n * size + 1, 1);
      hid_t mem = H5Tcopy(H5T_C_S1);
      H5Tset_size(mem, size);
      H5Tset_strpad(mem, H5T_STR_NULLPAD);
      if (H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0) {
        result = (int)n;
        for (int64_t i = 0; i < n; i++) {
          size_t len = strnlen(raw + i * size, size);
          if (used + len + 1 > capacity) { result = -1; break; }
          memcpy(buffer + used, raw + i * size, len);
          buffer[used + len] = 0;
          used += len + 1;
        }
      }
      H5Tclose(mem);
      free(raw);
    }
  }
  H5Tclose(ftype);
  H5Dclose(d);
  return result;
}

void sdfa_shd_close(sdfa_shd_file *f) {
  if (f->times_mem >= 0) H5Tclose(f->times_mem);
  if (f->units_mem >= 0) H5Tclose(f->units_mem);
  if (f->labels >= 0) H5Dclose(f->labels);
  if (f->units >= 0) H5Dclose(f->units);
  if (f->times >= 0) H5Dclose(f->times);
  if (f->file >= 0) H5Fclose(f->file);
  f->file = f->times = f->units = f->labels = f->times_mem = f->units_mem = -1;
}

int sdfa_shd_write(const char *path, int64_t count, const int64_t *offsets, const float *times,
                   const uint16_t *units, const int64_t *labels, const char *const *keys, int64_t key_count) {
  sdfa_h5_silence_errors();
  hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (file < 0) return -1;
  int status = 0;
  hid_t half = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(half, 15, 10, 5, 0, 10);
  H5Tset_size(half, 2);
  H5Tset_ebias(half, 15);
  hsize_t n = (hsize_t)count;
  hid_t space = H5Screate_simple(1, &n, NULL);
  hid_t group = H5Gcreate2(file, "/spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hvl_t *tv = calloc(n ? n : 1, sizeof(hvl_t)), *uv = calloc(n ? n : 1, sizeof(hvl_t));
  for (hsize_t i = 0; i < n; i++) {
    tv[i].len = (size_t)(offsets[i + 1] - offsets[i]);
    tv[i].p = (void *)(times + offsets[i]);
    uv[i].len = tv[i].len;
    uv[i].p = (void *)(units + offsets[i]);
  }
  hid_t tfile = H5Tvlen_create(half), tmem = H5Tvlen_create(H5T_NATIVE_FLOAT);
  hid_t ufile = H5Tvlen_create(H5T_STD_U16LE), umem = H5Tvlen_create(H5T_NATIVE_UINT16);
  hid_t td = H5Dcreate2(file, "/spikes/times", tfile, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t ud = H5Dcreate2(file, "/spikes/units", ufile, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t ld = H5Dcreate2(file, "/labels", H5T_STD_U16LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (td < 0 || ud < 0 || ld < 0) status = -1;
  if (!status && H5Dwrite(td, tmem, H5S_ALL, H5S_ALL, H5P_DEFAULT, tv) < 0) status = -1;
  if (!status && H5Dwrite(ud, umem, H5S_ALL, H5S_ALL, H5P_DEFAULT, uv) < 0) status = -1;
  if (!status && H5Dwrite(ld, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, labels) < 0) status = -1;
  if (!status && keys && key_count > 0) {
    hid_t extra = H5Gcreate2(file, "/extra", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    size_t longest = 1;
    for (int64_t i = 0; i < key_count; i++) if (strlen(keys[i]) > longest) longest = strlen(keys[i]);
    char *raw = calloc((size_t)key_count * longest, 1);
    for (int64_t i = 0; i < key_count; i++) memcpy(raw + i * longest, keys[i], strlen(keys[i]));
    hid_t st = H5Tcopy(H5T_C_S1);
    H5Tset_size(st, longest);
    H5Tset_strpad(st, H5T_STR_NULLPAD);
    hsize_t kn = (hsize_t)key_count;
    hid_t ks = H5Screate_simple(1, &kn, NULL);
    hid_t kd = H5Dcreate2(file, "/extra/keys", st, ks, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (kd < 0 || H5Dwrite(kd, st, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0) status = -1;
    if (kd >= 0) H5Dclose(kd);
    H5Sclose(ks);
    H5Tclose(st);
    free(raw);
    H5Gclose(extra);
  }
  if (td >= 0) H5Dclose(td);
  if (ud >= 0) H5Dclose(ud);
  if (ld >= 0) H5Dclose(ld);
  H5Tclose(tfile); H5Tclose(tmem); H5Tclose(ufile); H5Tclose(umem); H5Tclose(half);
  free(tv); free(uv);
  H5Gclose(group);
  H5Sclose(space);
  H5Fclose(file);
  return status;
}
