#include "CHDF5Shim.h"

hid_t sdfa_h5p_default(void) { return H5P_DEFAULT; }
unsigned sdfa_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
hid_t sdfa_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t sdfa_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t sdfa_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t sdfa_h5t_native_uint16(void) { return H5T_NATIVE_UINT16; }
hid_t sdfa_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t sdfa_h5s_all(void) { return H5S_ALL; }
