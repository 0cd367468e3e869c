/* Internal: the G.711 look-up tables generated into g711_tables.c. */
#ifndef ANPI_G711_TABLES_H
#define ANPI_G711_TABLES_H

#include <stdint.h>

extern const int16_t anpi_g711_ulaw_decode_table[256];
extern const int16_t anpi_g711_alaw_decode_table[256];
extern const uint8_t anpi_g711_ulaw_to_alaw_table[256];
extern const uint8_t anpi_g711_alaw_to_ulaw_table[256];

#endif
