#pragma once
// HDF5 (Debian libhdf5-dev, serial; include path from pkg-config "hdf5").
#include <hdf5.h>
