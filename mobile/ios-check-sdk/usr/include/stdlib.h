#pragma once
#include <stddef.h>
void abort(void);
void *malloc(size_t size);
void free(void *ptr);
