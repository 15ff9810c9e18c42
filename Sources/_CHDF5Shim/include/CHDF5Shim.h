#pragma once
#include <hdf5.h>

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
