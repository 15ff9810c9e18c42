#pragma once
// Open MPI's C interface (Debian libopenmpi-dev; include and library paths from pkg-config
// "ompi-c"). The predefined handles are macros over addresses of global objects, which Swift
// cannot import: the inline functions below hand them over.
#include <mpi.h>

static inline MPI_Comm sdfa_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype sdfa_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype sdfa_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype sdfa_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype sdfa_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Op sdfa_mpi_max(void) { return MPI_MAX; }
