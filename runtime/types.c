/* types.c -- the printed names of pol's value types (types.h). */
#include "types.h"

static const char *const pt_names[PT__COUNT] = {
#define PT_NAME_ROW(id, name, num) name,
    POL_TYPES(PT_NAME_ROW)
#undef PT_NAME_ROW
};

const char *pol_type_name(pol_type t) { return (unsigned)t < PT__COUNT ? pt_names[t] : "?"; }
