#include <opus/opus.h>
#include <opus/opusenc.h>
