#pragma once
#include <hdf5.h>
#include <stdint.h>
#include <stddef.h>

// HDF5's H5P_DEFAULT, H5F_ACC_* and the predefined type ids are macros that expand to
// function calls (`(H5check(), H5open(), …)`), which Swift cannot import. These accessors
// return their values.
hid_t sdfa_h5p_default(void);
unsigned sdfa_h5f_acc_rdonly(void);
hid_t sdfa_h5t_native_float(void);
hid_t sdfa_h5t_native_double(void);
hid_t sdfa_h5t_native_int64(void);
hid_t sdfa_h5t_native_uint16(void);
hid_t sdfa_h5t_native_uint8(void);
hid_t sdfa_h5s_all(void);

/// Silences HDF5's automatic error-stack printing (library code never prints).
void sdfa_h5_silence_errors(void);

/// An open SHD file: `/spikes/times` (vlen float16 seconds), `/spikes/units` (vlen uint16),
/// `/labels` (integers).
typedef struct {
  hid_t file, times, units, labels, times_mem, units_mem;
  int64_t count;
} sdfa_shd_file;

/// Opens an SHD file. Returns 0, or a negative code: -1 file, -2 /spikes/times,
/// -3 /spikes/units, -4 /labels, -5 shape (not 1-D or lengths differ).
int sdfa_shd_open(const char *path, sdfa_shd_file *out);

/// Reads every label as int64 into `labels` (`count` entries). Returns 0 or -1.
int sdfa_shd_read_labels(const sdfa_shd_file *f, int64_t *labels);

/// Reads sample `index`: spike times (converted to float, exact for float16) and units.
/// Returns the spike count; copies only when it fits `capacity`. Negative on error:
/// -1 read failed, -2 times and units differ in length.
int64_t sdfa_shd_read_sample(const sdfa_shd_file *f, int64_t index, float *times, uint16_t *units, int64_t capacity);

/// Reads `/extra/keys` (fixed or variable strings) into `buffer` as NUL-separated names.
/// Returns the number of names, or -1 when absent or unreadable.
int sdfa_shd_read_keys(const sdfa_shd_file *f, char *buffer, size_t capacity);

void sdfa_shd_close(sdfa_shd_file *f);

/// Writes an SHD-layout file (times as IEEE half floats, as the real files store them) for
/// tests: `offsets` has count + 1 entries into `times`/`units`. `keys` may be NULL.
/// Returns 0 or -1.
int sdfa_shd_write(const char *path, int64_t count, const int64_t *offsets, const float *times,
                   const uint16_t *units, const int64_t *labels, const char *const *keys, int64_t key_count);
