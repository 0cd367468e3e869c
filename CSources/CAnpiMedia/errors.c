/* Error strings of the media core. */
#include "anpi_media.h"

const char *anpi_strerror(int err) {
    switch (err) {
    case ANPI_OK: return "success";
    case ANPI_ERR_ARG: return "invalid argument";
    case ANPI_ERR_ALLOC: return "out of memory";
    case ANPI_ERR_UNSUPPORTED: return "unsupported rate, ratio, kernel or mode";
    case ANPI_ERR_SPACE: return "buffer full";
    case ANPI_ERR_CODEC: return "codec library error";
    case ANPI_ERR_IO: return "file could not be opened or written";
    case ANPI_ERR_STATE: return "operation not allowed in this state";
    default: return "unknown error";
    }
}
