/* The checker's per-chunk work in compiled code (optional; see docs/checker.md).
 *
 * Engine(dbs, specs, words, provinces, finding_type, mask) holds Hyperscan
 * databases compiled with libhs (Vectorscan or Hyperscan, the system's) from
 * the same translated anchors the Python engine uses (engine.PatternSet), and
 * a description of every spec.  Per chunk (a str of the Basic Multilingual
 * Plane):
 *
 * Engine.scan(text, today) -> (runs, candidates, windows) or None
 *     builds the compressed narrow view (and the narrow view when a database
 *     needs it) in one pass, scans the UTF-16 view in place (a two-byte str is
 *     its own UTF-16-LE view), collects the hits in C arrays (the callback is C),
 *     turns the hits of exact anchors into matches and validates them (the rules
 *     of scanner.py: check characters, dates, Luhn, prefixes, context words),
 *     and groups the other hits into windows for the Python regexes:
 *     runs       -- the runs [start, end) of full-width forms (byteviews.markers);
 *     candidates -- bytes: validated matches, (start, end, spec, verdict) int32;
 *     windows    -- a list of (spec, ws, stop, end): run spec's regex from ws to
 *                   end and keep the matches starting before stop.
 *     None when the text is not stored one or two bytes per character (it has
 *     characters beyond the BMP): the Python path handles it.
 *
 * Engine.finish(text, candidates, matches, base, lo, hi, line_numbers, lines,
 *               out, today) -> lines
 *     validates the regexes' matches (a flat list spec, start, end, ...),
 *     resolves overlaps among all candidates (scanner._resolve), and appends a
 *     Finding for each kept one starting in [lo, hi) to out, masked as
 *     validators.mask does (values that are not ASCII are masked by calling
 *     mask).  With line_numbers the location is "line N" (lines = newlines
 *     before lo); returns the newlines before hi.
 *
 * Every rule reads the *normalised* text: a full-width form (U+FF0B, U+FF0D,
 * U+FF10-FF19, U+FF21-FF3A, U+FF41-FF5A) read as its ASCII character, as the
 * engine's normalize_text writes it.  scanner.py is the reference: property
 * tests compare this path with the pure-Python one on generated texts.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <hs/hs.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

#define IS_FW(c)                                                                        \
    (((Py_UCS4)((c) - 0xFF10) <= 9) | ((Py_UCS4)(((c) - 0xFF21) & ~0x20u) <= 25) | \
     ((c) == 0xFF0B) | ((c) == 0xFF0D))

static unsigned char narrow_table[0x10000];

static void init_tables(void) {
    int n = 0;
    for (int c = 0; c < 0x10000; c++) narrow_table[c] = c < 0x80 ? c : '?';
    narrow_table[0xFF0B] = 0x80 + n++;
    narrow_table[0xFF0D] = 0x80 + n++;
    for (int c = 0xFF10; c <= 0xFF19; c++) narrow_table[c] = 0x80 + n++;
    for (int c = 0xFF21; c <= 0xFF3A; c++) narrow_table[c] = 0x80 + n++;
    for (int c = 0xFF41; c <= 0xFF5A; c++) narrow_table[c] = 0x80 + n++;
}

/* A chunk: read one or two bytes per character. */
typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
} text_t;

static inline Py_UCS4 raw_at(const text_t *t, Py_ssize_t i) {
    return t->kind == PyUnicode_1BYTE_KIND ? ((const Py_UCS1 *)t->data)[i]
                                           : ((const Py_UCS2 *)t->data)[i];
}

/* The normalised character at i. */
static inline Py_UCS4 at(const text_t *t, Py_ssize_t i) {
    Py_UCS4 c = raw_at(t, i);
    return IS_FW(c) ? c - 0xFEE0 : c;
}

static inline int is_digit(Py_UCS4 c) { return c >= '0' && c <= '9'; }
static inline int is_upper(Py_UCS4 c) { return c >= 'A' && c <= 'Z'; }
static inline int is_letter(Py_UCS4 c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
static inline int is_alnum(Py_UCS4 c) { return is_digit(c) || is_letter(c); }

typedef struct {
    int32_t s, e, idx, verdict;
} cand_t;

typedef struct {
    int32_t idx, s, e;
} hit_t;

typedef struct {
    void *v;
    Py_ssize_t n, cap;
} vec_t;

static int vec_push(vec_t *v, const void *item, size_t size) {
    if (v->n == v->cap) {
        Py_ssize_t cap = v->cap ? 2 * v->cap : 256;
        void *p = realloc(v->v, (size_t)cap * size);
        if (p == NULL) return -1;
        v->v = p;
        v->cap = cap;
    }
    memcpy((char *)v->v + (size_t)v->n * size, item, size);
    v->n++;
    return 0;
}

/* ------------------------------------------------------------ the engine */

enum { EX_NONE, EX_TOKEN, EX_PASSPORT, EX_CHAIN };
enum { R_ID = 1, R_USCC, R_CARD, R_MOBILE, R_LANDLINE, R_PASSPORT, R_EMAIL, R_FIXED };
enum { V_COMPRESSED, V_NARROW, V_WIDE };

/* A set of characters: ASCII in a table, the rest in a short list. */
typedef struct {
    unsigned char ascii[128];
    Py_UCS4 *other;
    Py_ssize_t n_other;
} cset_t;

static inline int in_set(const cset_t *s, Py_UCS4 c) {
    if (c < 128) return s->ascii[c];
    for (Py_ssize_t i = 0; i < s->n_other; i++)
        if (s->other[i] == c) return 1;
    return 0;
}

typedef struct {
    int exact, rule, has_allowed, has_cuts, max_span, prio, line;
    cset_t allowed, cuts;
    PyObject *type;  /* str */
    int is_plain;    /* CONFIDENTIAL_MARKING / CUSTOM_TERM: masked = value */
    int fixed_verdict; /* R_FIXED: index of (detail, conf); line: +1 for the 0.8 one */
} spec_t;

typedef struct {
    Py_UCS4 *chars;
    Py_ssize_t len;
} word_t;

typedef struct {
    word_t *w;
    Py_ssize_t n;
} words_t;

enum { W_USCC, W_CARD, W_NEGATIVE, W_PASSPORT, W_TAIWAN, N_WORDS };

typedef struct {
    PyObject *detail;
    PyObject *conf_obj;
    double conf;
} verdict_t;

#define MAX_DBS 8
#define MAX_VERDICTS 256

typedef struct {
    PyObject_HEAD
    hs_database_t *db[MAX_DBS];
    int view[MAX_DBS];
    int ndb, need_narrow;
    hs_scratch_t *scratch;
    spec_t *specs;
    Py_ssize_t nspecs;
    words_t words[N_WORDS];
    unsigned char province[100];
    verdict_t verdicts[MAX_VERDICTS];
    int nverdicts;
    PyObject *finding_type, *mask;
    /* Offsets of Finding's slots (type, start, end, value, detail, masked, location,
     * confidence), or 0: then set through PyObject_GenericSetAttr. */
    Py_ssize_t slot[8];
} Engine;

/* The views' buffers, shared by all engines and reused between calls (busy while a
 * scan uses them: another scan meanwhile, from a thread that got the GIL while this
 * one ran Python code, allocates its own). */
static unsigned char *nbuf, *cbuf, *wbuf;
static uint32_t *pbuf;
static Py_ssize_t bufsize;
static int busy;
#define KEEP_CHARS (1 << 19)

static PyObject *N_type, *N_start, *N_end, *N_value, *N_detail, *N_masked, *N_location,
    *N_confidence, *EMPTY_TUPLE;

/* The fixed verdicts, in the order of verdict codes below. */
enum {
    V_ID18, V_ID15, V_USCC99, V_USCC95, V_USCC90,
    V_CARD_BANK95, V_CARD_BRAND = V_CARD_BANK95 + 1, /* + 2 * brand + (0: 0.99, 1: 0.85) */
    V_MOBILE95 = V_CARD_BRAND + 10, V_MOBILE90, V_LANDLINE_EXT, V_LANDLINE,
    V_TAIWAN, V_HKMO, V_CNPASS, V_EXIT, V_PASS, V_EMAIL, V_FIRST_FIXED
};
static const char *BRANDS[5] = {"UnionPay", "Visa", "Mastercard", "American Express", "JCB"};

static int add_verdict(Engine *self, const char *detail, PyObject *detail_obj, double conf) {
    if (self->nverdicts >= MAX_VERDICTS) {
        PyErr_SetString(PyExc_ValueError, "too many verdicts");
        return -1;
    }
    verdict_t *v = &self->verdicts[self->nverdicts];
    if (detail_obj != NULL) {
        Py_INCREF(detail_obj);
        v->detail = detail_obj;
    } else {
        v->detail = PyUnicode_FromString(detail);
        if (v->detail == NULL) return -1;
    }
    v->conf = conf;
    v->conf_obj = PyFloat_FromDouble(conf);
    if (v->conf_obj == NULL) {
        Py_CLEAR(v->detail); /* not counted in nverdicts: dealloc would not free it */
        return -1;
    }
    return self->nverdicts++;
}

static int init_verdicts(Engine *self) {
    static const char *USCC = "unified social credit code (check character valid)";
    char buf[80];
    if (add_verdict(self, "resident ID number (check character valid)", NULL, 0.99) < 0 ||
        add_verdict(self, "legacy 15-digit resident ID number", NULL, 0.85) < 0 ||
        add_verdict(self, USCC, NULL, 0.99) < 0 || add_verdict(self, USCC, NULL, 0.95) < 0 ||
        add_verdict(self, USCC, NULL, 0.9) < 0 ||
        add_verdict(self, "bank card number (Luhn valid)", NULL, 0.95) < 0)
        return -1;
    for (int b = 0; b < 5; b++) {
        snprintf(buf, sizeof buf, "%s card number (Luhn valid)", BRANDS[b]);
        if (add_verdict(self, buf, NULL, 0.99) < 0 || add_verdict(self, buf, NULL, 0.85) < 0)
            return -1;
    }
    if (add_verdict(self, "mainland mobile number", NULL, 0.95) < 0 ||
        add_verdict(self, "mainland mobile number", NULL, 0.9) < 0 ||
        add_verdict(self, "landline number with extension", NULL, 0.9) < 0 ||
        add_verdict(self, "landline number", NULL, 0.9) < 0 ||
        add_verdict(self, "Mainland travel permit for Taiwan residents", NULL, 0.85) < 0 ||
        add_verdict(self, "Mainland travel permit for Hong Kong and Macao residents", NULL, 0.9) < 0 ||
        add_verdict(self, "Chinese passport", NULL, 0.95) < 0 ||
        add_verdict(self, "exit-entry permit for Hong Kong and Macao", NULL, 0.9) < 0 ||
        add_verdict(self, "passport", NULL, 0.85) < 0 ||
        add_verdict(self, "e-mail address", NULL, 0.99) < 0)
        return -1;
    if (self->nverdicts != V_FIRST_FIXED) {
        PyErr_SetString(PyExc_SystemError, "verdict table out of order");
        return -1;
    }
    return 0;
}

static int ucs4_of(PyObject *s, Py_UCS4 **out, Py_ssize_t *len) {
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return -1;
    }
    *len = PyUnicode_GET_LENGTH(s);
    *out = PyUnicode_AsUCS4Copy(s);
    return *out == NULL ? -1 : 0;
}

static int cset_init(cset_t *set, PyObject *chars) {
    memset(set->ascii, 0, sizeof set->ascii);
    set->other = NULL;
    set->n_other = 0;
    if (chars == Py_None) return 0;
    Py_UCS4 *u;
    Py_ssize_t n;
    if (ucs4_of(chars, &u, &n) < 0) return -1;
    set->other = PyMem_Malloc(sizeof(Py_UCS4) * (n ? n : 1));
    if (set->other == NULL) {
        PyMem_Free(u);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (u[i] < 128) set->ascii[u[i]] = 1;
        else set->other[set->n_other++] = u[i];
    }
    PyMem_Free(u);
    return 0;
}

static void Engine_dealloc(Engine *self) {
    for (int i = 0; i < self->ndb; i++) hs_free_database(self->db[i]);
    if (self->scratch) hs_free_scratch(self->scratch);
    if (self->specs) {
        for (Py_ssize_t i = 0; i < self->nspecs; i++) {
            PyMem_Free(self->specs[i].allowed.other);
            PyMem_Free(self->specs[i].cuts.other);
            Py_XDECREF(self->specs[i].type);
        }
        PyMem_Free(self->specs);
    }
    for (int k = 0; k < N_WORDS; k++) {
        for (Py_ssize_t i = 0; i < self->words[k].n; i++) PyMem_Free(self->words[k].w[i].chars);
        PyMem_Free(self->words[k].w);
    }
    for (int i = 0; i < self->nverdicts; i++) {
        Py_XDECREF(self->verdicts[i].detail);
        Py_XDECREF(self->verdicts[i].conf_obj);
    }
    Py_XDECREF(self->finding_type);
    Py_XDECREF(self->mask);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int compile_db(Engine *self, PyObject *group) {
    int view;
    PyObject *exprs, *ids, *flags;
    if (!PyArg_ParseTuple(group, "iO!O!O!", &view, &PyList_Type, &exprs, &PyList_Type, &ids,
                          &PyList_Type, &flags))
        return -1;
    Py_ssize_t n = PyList_GET_SIZE(exprs);
    if (self->ndb >= MAX_DBS || n == 0 || PyList_GET_SIZE(ids) != n || PyList_GET_SIZE(flags) != n) {
        PyErr_SetString(PyExc_ValueError, "bad database description");
        return -1;
    }
    const char **ex = PyMem_Calloc(n, sizeof(char *));
    unsigned int *idv = PyMem_Calloc(n, sizeof(unsigned int));
    unsigned int *fl = PyMem_Calloc(n, sizeof(unsigned int));
    int rc = -1;
    if (ex == NULL || idv == NULL || fl == NULL) {
        PyErr_NoMemory();
        goto out;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        ex[i] = PyBytes_AsString(PyList_GET_ITEM(exprs, i));
        idv[i] = (unsigned int)PyLong_AsUnsignedLong(PyList_GET_ITEM(ids, i));
        fl[i] = (unsigned int)PyLong_AsUnsignedLong(PyList_GET_ITEM(flags, i));
        if (ex[i] == NULL || PyErr_Occurred()) goto out;
        if (idv[i] >= (unsigned int)self->nspecs) {
            PyErr_SetString(PyExc_ValueError, "expression id out of range");
            goto out;
        }
    }
    hs_database_t *db = NULL;
    hs_compile_error_t *err = NULL;
    if (hs_compile_multi(ex, fl, idv, (unsigned int)n, HS_MODE_BLOCK, NULL, &db, &err) != HS_SUCCESS) {
        PyErr_Format(PyExc_ValueError, "hs_compile_multi: %s", err ? err->message : "failed");
        hs_free_compile_error(err);
        goto out;
    }
    self->db[self->ndb] = db;
    self->view[self->ndb] = view;
    self->ndb++;
    if (view == V_NARROW) self->need_narrow = 1;
    if (hs_alloc_scratch(db, &self->scratch) != HS_SUCCESS) {
        PyErr_SetString(PyExc_MemoryError, "hs_alloc_scratch failed");
        goto out;
    }
    rc = 0;
out:
    PyMem_Free(ex);
    PyMem_Free(idv);
    PyMem_Free(fl);
    return rc;
}

static PyObject *Engine_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    PyObject *dbs, *specs, *words, *provinces, *finding_type, *mask;
    if (!PyArg_ParseTuple(args, "O!O!O!OOO", &PyList_Type, &dbs, &PyList_Type, &specs,
                          &PyTuple_Type, &words, &provinces, &finding_type, &mask))
        return NULL;
    Engine *self = (Engine *)type->tp_alloc(type, 0);
    if (self == NULL) return NULL;
    Py_INCREF(finding_type);
    self->finding_type = finding_type;
    Py_INCREF(mask);
    self->mask = mask;
    if (init_verdicts(self) < 0) goto fail;
    self->nspecs = PyList_GET_SIZE(specs);
    self->specs = PyMem_Calloc(self->nspecs ? self->nspecs : 1, sizeof(spec_t));
    if (self->specs == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < self->nspecs; i++) {
        spec_t *sp = &self->specs[i];
        PyObject *allowed, *cuts, *stype, *detail;
        double conf;
        if (!PyArg_ParseTuple(PyList_GET_ITEM(specs, i), "iiOOiiUpOdp", &sp->exact, &sp->rule,
                              &allowed, &cuts, &sp->max_span, &sp->prio, &stype, &sp->is_plain,
                              &detail, &conf, &sp->line))
            goto fail;
        Py_INCREF(stype);
        sp->type = stype;
        sp->has_allowed = allowed != Py_None;
        sp->has_cuts = cuts != Py_None;
        if (cset_init(&sp->allowed, allowed) < 0 || cset_init(&sp->cuts, cuts) < 0) goto fail;
        if (sp->rule == R_FIXED) {
            if (!PyUnicode_Check(detail)) {
                PyErr_SetString(PyExc_TypeError, "a fixed verdict needs a detail");
                goto fail;
            }
            sp->fixed_verdict = add_verdict(self, NULL, detail, sp->line ? 0.95 : conf);
            if (sp->fixed_verdict < 0) goto fail;
            if (sp->line && add_verdict(self, NULL, detail, 0.8) < 0) goto fail;
        } else if (sp->rule < R_ID || sp->rule > R_FIXED) {
            PyErr_SetString(PyExc_ValueError, "unknown rule");
            goto fail;
        }
        if (!sp->exact && !sp->has_allowed && !sp->has_cuts) {
            PyErr_SetString(PyExc_ValueError, "a windowed spec needs allowed or cut characters");
            goto fail;
        }
    }
    if (PyTuple_GET_SIZE(words) != N_WORDS) {
        PyErr_SetString(PyExc_ValueError, "expected five word lists");
        goto fail;
    }
    for (int k = 0; k < N_WORDS; k++) {
        PyObject *list = PyTuple_GET_ITEM(words, k);
        if (!PyTuple_Check(list)) {
            PyErr_SetString(PyExc_TypeError, "word lists are tuples");
            goto fail;
        }
        Py_ssize_t n = PyTuple_GET_SIZE(list);
        self->words[k].w = PyMem_Calloc(n ? n : 1, sizeof(word_t));
        if (self->words[k].w == NULL) {
            PyErr_NoMemory();
            goto fail;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            word_t *w = &self->words[k].w[i];
            if (ucs4_of(PyTuple_GET_ITEM(list, i), &w->chars, &w->len) < 0) goto fail;
            self->words[k].n++;
        }
    }
    {
        /* Finding is a slots dataclass: write its slots as the member descriptors do. */
        PyObject *names[8] = {N_type, N_start, N_end, N_value, N_detail, N_masked, N_location,
                              N_confidence};
        for (int k = 0; k < 8; k++) {
            PyObject *d = PyObject_GetAttr(finding_type, names[k]);
            if (d == NULL) goto fail;
            if (Py_IS_TYPE(d, &PyMemberDescr_Type)) {
                PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
                if (m->type == T_OBJECT_EX && !(m->flags & READONLY)) self->slot[k] = m->offset;
            }
            Py_DECREF(d);
        }
    }
    PyObject *it = PyObject_GetIter(provinces);
    if (it == NULL) goto fail;
    PyObject *p;
    while ((p = PyIter_Next(it)) != NULL) {
        long v = PyLong_AsLong(p);
        Py_DECREF(p);
        if (v < 0 || v > 99) {
            Py_DECREF(it);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "province code out of range");
            goto fail;
        }
        self->province[v] = 1;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) goto fail;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(dbs); i++)
        if (compile_db(self, PyList_GET_ITEM(dbs, i)) < 0) goto fail;
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
}

/* ------------------------------------------------------------ context words */

/* Does one of the words occur in text[a:b].lower()?  Python lowers
 * U+0130 to "i\u0307" and U+212A to "k"; no other character lowers to one the
 * words use (checked in Python when the engine is built). */
static int has_word(const text_t *t, Py_ssize_t a, Py_ssize_t b, const words_t *ws) {
    Py_UCS4 low[2 * 64 + 2];
    Py_ssize_t m = 0;
    if (a < 0) a = 0;
    if (b > t->n) b = t->n;
    for (Py_ssize_t i = a; i < b && m < (Py_ssize_t)(sizeof low / sizeof low[0]) - 1; i++) {
        Py_UCS4 c = at(t, i);
        if (is_upper(c)) c += 32;
        else if (c == 0x212A) c = 'k';
        else if (c == 0x0130) {
            low[m++] = 'i';
            c = 0x0307;
        }
        low[m++] = c;
    }
    for (Py_ssize_t k = 0; k < ws->n; k++) {
        const word_t *w = &ws->w[k];
        for (Py_ssize_t i = 0; i + w->len <= m; i++) {
            Py_ssize_t j = 0;
            while (j < w->len && low[i + j] == w->chars[j]) j++;
            if (j == w->len) return 1;
        }
    }
    return 0;
}

/* _around(norm, s, e): 20 characters on both sides. */
static inline int around(const Engine *E, const text_t *t, Py_ssize_t s, Py_ssize_t e, int k) {
    return has_word(t, s - 20, s, &E->words[k]) || has_word(t, e, e + 20, &E->words[k]);
}

/* ------------------------------------------------------------------ rules */

static int days_in_month(int y, int m) {
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

/* validators._real_date: the date exists and lies in 1900-01-01 .. today. */
static int real_date(int y, int m, int d, long today) {
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return 0;
    long v = (long)y * 10000 + m * 100 + d;
    return v >= 19000101 && v <= today;
}

static inline int num(const text_t *t, Py_ssize_t i, int len) {
    int v = 0;
    for (int k = 0; k < len; k++) v = v * 10 + (int)(at(t, i + k) - '0');
    return v;
}

/* scanner._id_digits_valid for text[s:e] ([0-9]{17}[0-9Xx] or [0-9]{15}). */
static int id_valid(const Engine *E, const text_t *t, Py_ssize_t s, Py_ssize_t len, long today) {
    static const int W[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char CHECK[] = "10X98765432";
    if (!E->province[num(t, s, 2)]) return 0;
    if (len == 18) {
        if (!real_date(num(t, s + 6, 4), num(t, s + 10, 2), num(t, s + 12, 2), today)) return 0;
        int total = 0;
        for (int k = 0; k < 17; k++) total += (int)(at(t, s + k) - '0') * W[k];
        Py_UCS4 last = at(t, s + 17);
        if (last == 'x') last = 'X';
        return last == (Py_UCS4)CHECK[total % 11];
    }
    return real_date(1900 + num(t, s + 6, 2), num(t, s + 8, 2), num(t, s + 10, 2), today);
}

static int rule_id(const Engine *E, const text_t *t, Py_ssize_t s, Py_ssize_t e, long today) {
    if (!id_valid(E, t, s, e - s, today)) return -1;
    return e - s == 18 ? V_ID18 : V_ID15;
}

static const char USCC_CHARSET[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

static int uscc_index(Py_UCS4 c) {
    for (int i = 0; i < 31; i++)
        if ((Py_UCS4)USCC_CHARSET[i] == c) return i;
    return -1;
}

static int rule_uscc(const Engine *E, const text_t *t, Py_ssize_t s, Py_ssize_t e, long today) {
    static const int W[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
    static const int OW[8] = {3, 7, 9, 10, 5, 8, 4, 2};
    Py_UCS4 c0 = at(t, s), c1 = at(t, s + 1), c2 = at(t, s + 2), c3 = at(t, s + 3);
    if (!((c0 >= '1' && c0 <= '9') || c0 == 'A' || c0 == 'N' || c0 == 'Y')) return -1;
    if (!(c1 >= '1' && c1 <= '9')) return -1;
    /* code[2:4] is two digits (the pattern's); "10" is allowed besides provinces */
    int p = (int)(c2 - '0') * 10 + (int)(c3 - '0');
    if (!E->province[p] && p != 10) return -1;
    int total = 0, all_digits = 1;
    for (int k = 0; k < 17; k++) {
        Py_UCS4 c = at(t, s + k);
        int v = uscc_index(c);
        if (v < 0) return -1; /* not reached: the pattern's characters */
        total += v * W[k];
        all_digits &= is_digit(c);
    }
    Py_UCS4 last = at(t, s + 17);
    if ((Py_UCS4)USCC_CHARSET[(31 - total % 31) % 31] != last) return -1;
    if (all_digits && (is_digit(last) || last == 'X') && id_valid(E, t, s, 18, today)) return -1;
    /* org_code_valid(code[8:17]) */
    int org_ok = 1, ototal = 0;
    for (int k = 0; k < 8; k++) {
        Py_UCS4 c = at(t, s + 8 + k);
        if (is_digit(c)) ototal += (int)(c - '0') * OW[k];
        else if (is_upper(c)) ototal += (int)(c - 55) * OW[k];
        else { org_ok = 0; break; }
    }
    if (org_ok) {
        int check = 11 - ototal % 11;
        Py_UCS4 expected = check == 10 ? 'X' : check == 11 ? '0' : (Py_UCS4)('0' + check);
        org_ok = at(t, s + 16) == expected;
    }
    if (all_digits && is_digit(last)) {
        if (!(org_ok || around(E, t, s, e, W_USCC))) return -1;
        return V_USCC90;
    }
    return org_ok ? V_USCC99 : V_USCC95;
}

static int rule_card(const Engine *E, const text_t *t, Py_ssize_t s, Py_ssize_t e) {
    char d[64];
    int n = 0, groups[64], ng = 0, glen = 0;
    Py_UCS4 sep = 0;
    for (Py_ssize_t i = s; i < e; i++) {
        Py_UCS4 c = at(t, i);
        if (c == ' ' || c == '-') {
            if (sep && sep != c) return -1; /* two kinds of separators */
            sep = c;
            if (ng < 63) groups[ng++] = glen;
            glen = 0;
        } else {
            if (n < 63) d[n] = (char)c;
            n++;
            glen++;
        }
    }
    if (n < 13 || n > 19) return -1;
    if (sep) {
        groups[ng++] = glen;
        int ok = 0;
        if (ng == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4)) ok = 1;
        else if (ng == 2 && groups[0] == 6) ok = 1;
        else {
            ok = groups[ng - 1] >= 1 && groups[ng - 1] <= 4;
            for (int g = 0; g < ng - 1 && ok; g++) ok = groups[g] == 4;
        }
        if (!ok) return -1;
    }
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int v = d[n - 1 - i] - '0';
        if (i & 1) {
            v *= 2;
            if (v > 9) v -= 9;
        }
        sum += v;
    }
    if (sum % 10) return -1;
    int brand = -1, p2 = (d[0] - '0') * 10 + (d[1] - '0'), p4 = p2 * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    if (p2 == 62 && n >= 16 && n <= 19) brand = 0;
    else if (d[0] == '4' && (n == 13 || n == 16 || n == 19)) brand = 1;
    else if (n == 16 && ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))) brand = 2;
    else if (n == 15 && (p2 == 34 || p2 == 37)) brand = 3;
    else if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) brand = 4;
    if (around(E, t, s, e, W_CARD)) return brand < 0 ? V_CARD_BANK95 : V_CARD_BRAND + 2 * brand;
    if (brand >= 0 && !has_word(t, s - 12, s, &E->words[W_NEGATIVE])) return V_CARD_BRAND + 2 * brand + 1;
    return -1;
}

static int all_digits(const text_t *t, Py_ssize_t s, Py_ssize_t e) {
    if (e <= s) return 0;
    for (Py_ssize_t i = s; i < e; i++)
        if (!is_digit(at(t, i))) return 0;
    return 1;
}

static int rule_passport(const Engine *E, const text_t *t, Py_ssize_t s, Py_ssize_t e) {
    if (!around(E, t, s, e, W_PASSPORT)) return -1;
    Py_ssize_t len = e - s;
    if (all_digits(t, s, e)) {
        if (len == 8) {
            int y = num(t, s, 4), m = num(t, s + 4, 2), d = num(t, s + 6, 2);
            if (y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31) return -1;
        }
        if (!around(E, t, s, e, W_TAIWAN)) return -1;
        return V_TAIWAN;
    }
    Py_UCS4 first = at(t, s);
    Py_ssize_t rest = len - 1;
    int rest_digits = all_digits(t, s + 1, e);
    if ((first == 'H' || first == 'M') && rest_digits && (rest == 8 || rest == 10)) return V_HKMO;
    if (((first == 'E' || first == 'G') && rest_digits && rest == 8) ||
        (first == 'E' && rest == 8 && is_letter(at(t, s + 1))))
        return V_CNPASS;
    if (first == 'C' && rest == 8 && all_digits(t, s + 2, e)) return V_EXIT;
    return V_PASS;
}

static int rule_mobile(const Engine *E, const text_t *t, Py_ssize_t s, Py_ssize_t e) {
    int plain = all_digits(t, s, e);
    if (plain && has_word(t, s - 10, s, &E->words[W_NEGATIVE])) return -1;
    return plain ? V_MOBILE90 : V_MOBILE95;
}

static int rule_landline(const Engine *E, const text_t *t, Py_ssize_t s, Py_ssize_t e) {
    if (all_digits(t, s, e) && has_word(t, s - 10, s, &E->words[W_NEGATIVE])) return -1;
    int hyphens = 0, ext = 0;
    for (Py_ssize_t i = s; i < e && !ext; i++) {
        Py_UCS4 c = at(t, i);
        hyphens += c == '-';
        if (c == 0x8F6C) ext = 1; /* 转 */
        else if (c == 0x5206 && i + 1 < e && at(t, i + 1) == 0x673A) ext = 1; /* 分机 */
        else if ((c | 32) == 'e' && i + 2 < e && (at(t, i + 1) | 32) == 'x' && (at(t, i + 2) | 32) == 't')
            ext = 1;
    }
    return ext || hyphens > 1 ? V_LANDLINE_EXT : V_LANDLINE;
}

static int rule_email(const text_t *t, Py_ssize_t s, Py_ssize_t e) {
    Py_ssize_t a = s;
    while (a < e && at(t, a) != '@') a++;
    for (Py_ssize_t i = s; i + 1 < a; i++)
        if (at(t, i) == '.' && at(t, i + 1) == '.') return -1;
    if (a > s && at(t, a - 1) == '.') return -1;
    return V_EMAIL;
}

static int validate(const Engine *E, const spec_t *sp, const text_t *t, Py_ssize_t s, Py_ssize_t e,
                    Py_ssize_t base, long today) {
    switch (sp->rule) {
    case R_ID: return rule_id(E, t, s, e, today);
    case R_USCC: return rule_uscc(E, t, s, e, today);
    case R_CARD: return rule_card(E, t, s, e);
    case R_MOBILE: return rule_mobile(E, t, s, e);
    case R_LANDLINE: return rule_landline(E, t, s, e);
    case R_PASSPORT: return rule_passport(E, t, s, e);
    case R_EMAIL: return rule_email(t, s, e);
    default:
        if (sp->line) {
            /* _near_top: base == 0 and s < 2000 and fewer than 5 newlines before s */
            int top = 0;
            if (base == 0 && s < 2000) {
                int nl = 0;
                for (Py_ssize_t i = 0; i < s && nl < 5; i++) nl += raw_at(t, i) == '\n';
                top = nl < 5;
            }
            return sp->fixed_verdict + (top ? 0 : 1);
        }
        return sp->fixed_verdict;
    }
}

/* ------------------------------------------------------------------- scan */

typedef struct {
    vec_t *hits;
    const uint32_t *pos;
    int view;
} match_ctx;

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *vctx) {
    match_ctx *ctx = vctx;
    hit_t h;
    h.idx = (int32_t)id;
    if (ctx->view == V_COMPRESSED) {
        h.s = (int32_t)ctx->pos[from];
        h.e = (int32_t)ctx->pos[to - 1] + 1;
    } else if (ctx->view == V_WIDE) {
        if (from & 1) return 0;
        h.s = (int32_t)(from >> 1);
        h.e = (int32_t)(to >> 1);
    } else {
        h.s = (int32_t)from;
        h.e = (int32_t)to;
    }
    return vec_push(ctx->hits, &h, sizeof h) < 0 ? 1 : 0;
}

static int cmp_hit(const void *a, const void *b) {
    const hit_t *x = a, *y = b;
    if (x->idx != y->idx) return x->idx < y->idx ? -1 : 1;
    if (x->s != y->s) return x->s < y->s ? -1 : 1;
    return (x->e > y->e) - (x->e < y->e);
}

static int add_run(PyObject *runs, Py_ssize_t a, Py_ssize_t b) {
    PyObject *t = Py_BuildValue("(nn)", a, b);
    if (t == NULL) return -1;
    int rc = PyList_Append(runs, t);
    Py_DECREF(t);
    return rc;
}

#define BLOCK 2048

/* The narrow view (one byte per character), the runs of full-width forms, and
 * the compressed narrow view with pos; as _views.c, in blocks kept in cache. */
static Py_ssize_t build_views(const text_t *t, unsigned char *nb, unsigned char *cb, uint32_t *pos,
                              PyObject *runs) {
    Py_ssize_t n = t->n, k = 0, run_start = -1;
    unsigned char prev = 0;
    for (Py_ssize_t lo = 0; lo < n; lo += BLOCK) {
        Py_ssize_t hi = lo + BLOCK < n ? lo + BLOCK : n;
        if (t->kind == PyUnicode_1BYTE_KIND) {
            const Py_UCS1 *u = t->data;
            for (Py_ssize_t i = lo; i < hi; i++) nb[i] = u[i] < 0x80 ? u[i] : '?';
        } else {
            const Py_UCS2 *u = t->data;
            uint16_t fw = 0;
            for (Py_ssize_t i = lo; i < hi; i++) {
                uint16_t c = u[i];
                nb[i] = c < 0x80 ? (unsigned char)c : (unsigned char)'?';
                /* IS_FW in 16-bit arithmetic, which the compiler vectorises better */
                fw |= ((uint16_t)(c - 0xFF10) <= 9) | ((uint16_t)((uint16_t)(c - 0xFF21) & 0xFFDF) <= 25) |
                      (c == 0xFF0B) | (c == 0xFF0D);
            }
            if (fw) {
                for (Py_ssize_t i = lo; i < hi; i++) {
                    Py_UCS2 c = u[i];
                    if (IS_FW(c)) {
                        nb[i] = narrow_table[c];
                        if (run_start < 0) run_start = i;
                    } else if (run_start >= 0) {
                        if (add_run(runs, run_start, i) < 0) return -1;
                        run_start = -1;
                    }
                }
            } else if (run_start >= 0) {
                if (add_run(runs, run_start, lo) < 0) return -1;
                run_start = -1;
            }
        }
        Py_ssize_t i = lo;
#ifdef __SSE2__
        /* Sixteen bytes at a time: a byte is kept unless it is a '?' after a
         * '?'; the kept ones are written in order (none in a run of Chinese
         * text, all in ASCII text). */
        const __m128i q = _mm_set1_epi8('?');
        for (; i + 16 <= hi; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(nb + i));
            unsigned int isq = (unsigned int)_mm_movemask_epi8(_mm_cmpeq_epi8(v, q));
            unsigned int keep = ~(isq & ((isq << 1) | (prev == '?'))) & 0xFFFFu;
            prev = nb[i + 15];
            if (keep == 0xFFFFu) {
                _mm_storeu_si128((__m128i *)(cb + k), v);
                for (int j = 0; j < 16; j++) pos[k + j] = (uint32_t)(i + j);
                k += 16;
                continue;
            }
            /* Branch-free: every byte written at k, k advanced by its keep bit. */
            for (int j = 0; j < 16; j++) {
                cb[k] = nb[i + j];
                pos[k] = (uint32_t)(i + j);
                k += keep >> j & 1;
            }
        }
#endif
        for (; i < hi; i++) {
            unsigned char c = nb[i];
            cb[k] = c;
            pos[k] = (uint32_t)i;
            k += !(c == '?' && prev == '?');
            prev = c;
        }
    }
    if (run_start >= 0 && add_run(runs, run_start, n) < 0) return -1;
    return k;
}

/* engine._exact_matches for one hit: the match, or 0 when the leading boundary fails. */
static int exact_match(int kind, const text_t *t, Py_ssize_t s, Py_ssize_t *pe) {
    Py_ssize_t e = *pe;
    if (kind == EX_CHAIN) {
        while (!is_digit(at(t, e - 1))) e--;
        if (s) {
            Py_UCS4 prev = at(t, s - 1);
            if (is_alnum(prev) || ((prev == ' ' || prev == '-') && s > 1 && is_digit(at(t, s - 2))))
                return 0;
        }
        if (e < t->n && is_letter(at(t, e))) return 0;
    } else {
        if (!is_alnum(at(t, e - 1))) e--;
        if (s) {
            Py_UCS4 prev = at(t, s - 1);
            if (is_alnum(prev) || (kind == EX_PASSPORT && prev == '-' && s > 1 && is_digit(at(t, s - 2))))
                return 0;
        }
    }
    *pe = e;
    return 1;
}

#define MAX_LOOKAHEAD 2
#define MARK_LOOKAHEAD 8

/* engine._cut_left; -1 for None. */
static Py_ssize_t cut_left(const text_t *t, Py_ssize_t pos, Py_ssize_t lo, const spec_t *sp) {
    if (sp->has_cuts) {
        for (Py_ssize_t i = pos - 1; i >= lo; i--)
            if (in_set(&sp->cuts, at(t, i))) return i + 1;
    } else {
        Py_ssize_t i = pos;
        while (i > lo && in_set(&sp->allowed, at(t, i - 1))) i--;
        if (i > lo) return i;
    }
    if (lo == 0) return 0;
    Py_UCS4 prev = at(t, lo - 1);
    if (sp->has_cuts ? in_set(&sp->cuts, prev) : !in_set(&sp->allowed, prev)) return lo;
    return -1;
}

static int add_window(PyObject *out, Py_ssize_t idx, const text_t *t, const spec_t *sp,
                      Py_ssize_t ws, Py_ssize_t stop) {
    Py_ssize_t n = t->n, end = stop + sp->max_span;
    if (!sp->has_cuts) {
        Py_ssize_t r = stop > 0 ? stop - 1 : 0;
        while (r < n && in_set(&sp->allowed, at(t, r))) r++;
        r += MAX_LOOKAHEAD;
        if (r < end) end = r;
    } else {
        Py_ssize_t lim = end < n ? end : n;
        for (Py_ssize_t c = stop; c < lim; c++)
            if (in_set(&sp->cuts, at(t, c))) {
                if (c + MARK_LOOKAHEAD < end) end = c + MARK_LOOKAHEAD;
                break;
            }
    }
    if (end > n) end = n;
    PyObject *w = Py_BuildValue("(nnnn)", idx, ws, stop, end);
    if (w == NULL) return -1;
    int rc = PyList_Append(out, w);
    Py_DECREF(w);
    return rc;
}

/* engine._windows for the sorted hits [a, b) of one spec. */
static int windows(const text_t *t, const spec_t *sp, Py_ssize_t idx, const hit_t *h, Py_ssize_t nh,
                   PyObject *out) {
    Py_ssize_t cur_ws = -1, cur_stop = 0;
    int have = 0;
    for (Py_ssize_t k = 0; k < nh; k++) {
        Py_ssize_t x = h[k].s, y = h[k].e;
        if (have && x < cur_stop) {
            if (y > cur_stop) cur_stop = y;
            continue;
        }
        Py_ssize_t lo = have ? cur_stop : 0;
        Py_ssize_t ws = cut_left(t, x, lo, sp);
        if (ws < 0) {
            if (y > cur_stop) cur_stop = y;
        } else {
            if (have && add_window(out, idx, t, sp, cur_ws, cur_stop) < 0) return -1;
            cur_ws = ws;
            cur_stop = y;
            have = 1;
        }
    }
    if (have && add_window(out, idx, t, sp, cur_ws, cur_stop) < 0) return -1;
    return 0;
}

static int text_of(PyObject *text, text_t *t) {
    t->kind = PyUnicode_KIND(text);
    t->data = PyUnicode_DATA(text);
    t->n = PyUnicode_GET_LENGTH(text);
    return t->kind == PyUnicode_1BYTE_KIND || t->kind == PyUnicode_2BYTE_KIND;
}

static PyObject *scan(Engine *self, PyObject *args, int raw_hits) {
    PyObject *text;
    long today;
    if (!PyArg_ParseTuple(args, "Ul", &text, &today)) return NULL;
    text_t t;
    if (!text_of(text, &t)) Py_RETURN_NONE;
    Py_ssize_t n = t.n;
    if (n > (Py_ssize_t)(INT32_MAX / 2)) {
        PyErr_SetString(PyExc_ValueError, "chunk too long");
        return NULL;
    }
    unsigned char *nb, *cb, *wb = NULL;
    uint32_t *pos;
    int own = busy || n > KEEP_CHARS;
    if (!own && n > bufsize) {
        free(nbuf); free(cbuf); free(wbuf); free(pbuf);
        bufsize = KEEP_CHARS;
        nbuf = malloc((size_t)bufsize);
        cbuf = malloc((size_t)bufsize);
        wbuf = malloc(2 * (size_t)bufsize);
        pbuf = malloc(4 * (size_t)bufsize);
        if (!nbuf || !cbuf || !wbuf || !pbuf) {
            free(nbuf); free(cbuf); free(wbuf); free(pbuf);
            nbuf = cbuf = wbuf = NULL;
            pbuf = NULL;
            bufsize = 0;
            return PyErr_NoMemory();
        }
    }
    if (own) {
        nb = malloc(n ? (size_t)n : 1);
        cb = malloc(n ? (size_t)n : 1);
        pos = malloc(4 * (n ? (size_t)n : 1));
        if (t.kind == PyUnicode_1BYTE_KIND) wb = malloc(2 * (n ? (size_t)n : 1));
        if (!nb || !cb || !pos || (t.kind == PyUnicode_1BYTE_KIND && !wb)) {
            free(nb); free(cb); free(pos); free(wb);
            return PyErr_NoMemory();
        }
    } else {
        nb = nbuf;
        cb = cbuf;
        pos = pbuf;
        wb = wbuf;
        busy = 1;
    }
    PyObject *result = NULL, *runs = PyList_New(0), *wins = PyList_New(0), *cands_obj = NULL;
    vec_t hits = {0}, cands = {0};
    if (runs == NULL || wins == NULL) goto done;
    Py_ssize_t m = build_views(&t, nb, cb, pos, runs);
    if (m < 0) goto done;
    const unsigned char *wide;
    if (t.kind == PyUnicode_2BYTE_KIND) {
#if PY_LITTLE_ENDIAN
        wide = t.data; /* the str's own code units, read during this call */
#else
#error "the UTF-16-LE view needs a little-endian machine"
#endif
    } else {
        const Py_UCS1 *u = t.data;
        for (Py_ssize_t i = 0; i < n; i++) {
            wb[2 * i] = u[i];
            wb[2 * i + 1] = 0;
        }
        wide = wb;
    }
    for (int d = 0; d < self->ndb; d++) {
        match_ctx ctx = {&hits, pos, self->view[d]};
        const char *data;
        unsigned int len;
        if (self->view[d] == V_COMPRESSED) { data = (const char *)cb; len = (unsigned int)m; }
        else if (self->view[d] == V_NARROW) { data = (const char *)nb; len = (unsigned int)n; }
        else { data = (const char *)wide; len = (unsigned int)(2 * n); }
        if (len == 0) continue;
        hs_error_t rc = hs_scan(self->db[d], data, len, 0, self->scratch, on_match, &ctx);
        if (rc != HS_SUCCESS) {
            if (rc == HS_SCAN_TERMINATED) PyErr_NoMemory();
            else PyErr_Format(PyExc_RuntimeError, "hs_scan failed (%d)", (int)rc);
            goto done;
        }
    }
    hit_t *h = hits.v;
    if (hits.n > 1) qsort(h, (size_t)hits.n, sizeof(hit_t), cmp_hit); /* h is NULL without hits */
    if (raw_hits) {
        /* Engine.hits(): the anchors' hits, for tests. */
        result = PyList_New(0);
        for (Py_ssize_t k = 0; result && k < hits.n; k++) {
            PyObject *x = Py_BuildValue("(iii)", h[k].idx, h[k].s, h[k].e);
            if (x == NULL || PyList_Append(result, x) < 0) Py_CLEAR(result);
            Py_XDECREF(x);
        }
        goto done;
    }
    for (Py_ssize_t a = 0; a < hits.n;) {
        Py_ssize_t b = a;
        int32_t idx = h[a].idx;
        while (b < hits.n && h[b].idx == idx) b++;
        const spec_t *sp = &self->specs[idx];
        if (sp->exact) {
            for (Py_ssize_t k = a; k < b; k++) {
                Py_ssize_t s = h[k].s, e = h[k].e;
                if (!exact_match(sp->exact, &t, s, &e) || e <= s) continue;
                int v = validate(self, sp, &t, s, e, 0, today);
                if (v < 0) continue;
                cand_t c = {(int32_t)s, (int32_t)e, idx, v};
                if (vec_push(&cands, &c, sizeof c) < 0) { PyErr_NoMemory(); goto done; }
            }
        } else if (windows(&t, sp, idx, h + a, b - a, wins) < 0) {
            goto done;
        }
        a = b;
    }
    cands_obj = PyBytes_FromStringAndSize(cands.v, cands.n * (Py_ssize_t)sizeof(cand_t));
    if (cands_obj == NULL) goto done;
    result = PyTuple_Pack(3, runs, cands_obj, wins);
done:
    free(hits.v);
    free(cands.v);
    Py_XDECREF(runs);
    Py_XDECREF(wins);
    Py_XDECREF(cands_obj);
    if (own) {
        free(nb); free(cb); free(pos); free(wb);
    } else {
        busy = 0;
    }
    return result;
}

static PyObject *Engine_scan(Engine *self, PyObject *args) { return scan(self, args, 0); }
static PyObject *Engine_hits(Engine *self, PyObject *args) { return scan(self, args, 1); }

/* ----------------------------------------------------------------- finish */

static const Engine *sort_engine; /* for cmp_cand (the GIL is held) */

static int cmp_cand(const void *a, const void *b) {
    const cand_t *x = a, *y = b;
    if (x->s != y->s) return x->s < y->s ? -1 : 1;
    if (x->e != y->e) return x->e > y->e ? -1 : 1; /* longer first */
    int px = sort_engine->specs[x->idx].prio, py = sort_engine->specs[y->idx].prio;
    if (px != py) return px < py ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Is (x) stronger than (k): (length, confidence, -priority) compared as tuples. */
static int stronger(const Engine *E, const cand_t *x, const cand_t *k) {
    int32_t lx = x->e - x->s, lk = k->e - k->s;
    if (lx != lk) return lx > lk;
    double cx = E->verdicts[x->verdict].conf, ck = E->verdicts[k->verdict].conf;
    if (cx != ck) return cx > ck;
    return E->specs[x->idx].prio < E->specs[k->idx].prio;
}

/* validators._mask_run over the positions of v[a:b] whose character is
 * alphanumeric (str.isalnum), in place. */
static void mask_run(Py_UCS4 *v, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t k = 0;
    for (Py_ssize_t i = a; i < b; i++) k += Py_UNICODE_ISALNUM(v[i]) != 0;
    if (k == 0) return;
    Py_ssize_t show = k / 2 < 8 ? k / 2 : 8, head = (show + 1) / 2, tail = show - head;
    if (k <= 3) {
        head = k > 1 ? 1 : 0;
        tail = 0;
    }
    Py_ssize_t seen = 0;
    for (Py_ssize_t i = a; i < b; i++) {
        if (!Py_UNICODE_ISALNUM(v[i])) continue;
        if (seen >= head && seen < k - tail) v[i] = '*';
        seen++;
    }
}

/* validators.mask (for a type other than markings and terms), in place. */
static void mask_value(Py_UCS4 *v, Py_ssize_t n) {
    if (n && (v[0] == '(' || v[0] == 0xFF08 || v[0] == '+' || v[0] == 0xFF0B || v[0] == '0' ||
              v[0] == 0xFF10)) {
        /* _COUNTRY_CODE: [(（]?(?:\+|＋|00|００)(?:86|８６)[)）]?[ -]? */
        Py_ssize_t i = 0;
        if (v[i] == '(' || v[i] == 0xFF08) i++;
        int ok = 1;
        if (i < n && (v[i] == '+' || v[i] == 0xFF0B)) i++;
        else if (i + 1 < n && ((v[i] == '0' && v[i + 1] == '0') || (v[i] == 0xFF10 && v[i + 1] == 0xFF10)))
            i += 2;
        else ok = 0;
        if (ok && i + 1 < n && ((v[i] == '8' && v[i + 1] == '6') || (v[i] == 0xFF18 && v[i + 1] == 0xFF16))) {
            i += 2;
            if (i < n && (v[i] == ')' || v[i] == 0xFF09)) i++;
            if (i < n && (v[i] == ' ' || v[i] == '-')) i++;
            mask_value(v + i, n - i);
            return;
        }
    }
    int alnum = n > 0;
    for (Py_ssize_t i = 0; i < n && alnum; i++) alnum = Py_UNICODE_ISALNUM(v[i]) != 0;
    if (alnum) {
        Py_ssize_t k = n, show = k / 2 < 8 ? k / 2 : 8, head = (show + 1) / 2, tail = show - head;
        if (k <= 3) {
            head = k > 1 ? 1 : 0;
            tail = 0;
        }
        for (Py_ssize_t i = head; i < k - tail; i++) v[i] = '*';
        return;
    }
    Py_ssize_t at_ = -1;
    for (Py_ssize_t i = n - 1; i >= 0; i--)
        if (v[i] == '@') {
            at_ = i;
            break;
        }
    /* Only the local part of an e-mail address (the ASCII path and the other agree). */
    mask_run(v, 0, at_ > 0 ? at_ : n);
}

static PyObject *masked_of(Engine *self, const spec_t *sp, PyObject *value) {
    if (sp->is_plain) {
        Py_INCREF(value);
        return value;
    }
    Py_UCS4 buf[256], *v = buf;
    Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    if (n > 256) return PyObject_CallFunctionObjArgs(self->mask, value, sp->type, NULL);
    if (PyUnicode_AsUCS4(value, v, 256, 0) == NULL) return NULL;
    mask_value(v, n);
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, v, n);
}

/* Set field k of a new Finding to value (a new reference, or NULL on error: -1). */
static int set(const Engine *E, PyObject *obj, int k, PyObject *name, PyObject *value) {
    if (value == NULL) return -1;
    if (E->slot[k]) {
        PyObject **p = (PyObject **)((char *)obj + E->slot[k]);
        Py_XSETREF(*p, value);
        return 0;
    }
    int rc = PyObject_GenericSetAttr(obj, name, value);
    Py_DECREF(value);
    return rc;
}

static Py_ssize_t count_nl(const text_t *t, Py_ssize_t a, Py_ssize_t b) {
    Py_ssize_t c = 0;
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *u = t->data;
        for (Py_ssize_t i = a; i < b; i++) c += u[i] == '\n';
    } else {
        const Py_UCS2 *u = t->data;
        for (Py_ssize_t i = a; i < b; i++) c += u[i] == '\n';
    }
    return c;
}

static PyObject *Engine_finish(Engine *self, PyObject *args) {
    PyObject *text, *cands_obj, *matches, *out;
    Py_ssize_t base, lo, hi, lines;
    int line_numbers;
    long today;
    if (!PyArg_ParseTuple(args, "UO!O!nnnpnO!l", &text, &PyBytes_Type, &cands_obj, &PyList_Type,
                          &matches, &base, &lo, &hi, &line_numbers, &lines, &PyList_Type, &out, &today))
        return NULL;
    text_t t;
    if (!text_of(text, &t)) {
        PyErr_SetString(PyExc_ValueError, "finish() needs the text scan() accepted");
        return NULL;
    }
    Py_ssize_t nc = PyBytes_GET_SIZE(cands_obj) / (Py_ssize_t)sizeof(cand_t);
    Py_ssize_t nm = PyList_GET_SIZE(matches) / 3;
    cand_t *c = malloc(sizeof(cand_t) * (size_t)(nc + nm + 1));
    if (c == NULL) return PyErr_NoMemory();
    memcpy(c, PyBytes_AS_STRING(cands_obj), sizeof(cand_t) * (size_t)nc);
    for (Py_ssize_t i = 0; i < nc; i++)
        if (c[i].idx < 0 || c[i].idx >= self->nspecs || c[i].verdict < 0 ||
            c[i].verdict >= self->nverdicts || c[i].s < 0 || c[i].e <= c[i].s || c[i].e > t.n) {
            free(c);
            PyErr_SetString(PyExc_ValueError, "bad candidate");
            return NULL;
        }
    Py_ssize_t k = nc;
    for (Py_ssize_t i = 0; i < nm; i++) {
        Py_ssize_t idx = PyLong_AsSsize_t(PyList_GET_ITEM(matches, 3 * i));
        Py_ssize_t s = PyLong_AsSsize_t(PyList_GET_ITEM(matches, 3 * i + 1));
        Py_ssize_t e = PyLong_AsSsize_t(PyList_GET_ITEM(matches, 3 * i + 2));
        /* The rules of exact specs read their fixed lengths: only scan() makes those. */
        if (PyErr_Occurred() || idx < 0 || idx >= self->nspecs || self->specs[idx].exact || s < 0 ||
            e > t.n) {
            free(c);
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "bad match");
            return NULL;
        }
        if (e <= s) continue;
        int v = validate(self, &self->specs[idx], &t, s, e, base, today);
        if (v < 0) continue;
        c[k].s = (int32_t)s;
        c[k].e = (int32_t)e;
        c[k].idx = (int32_t)idx;
        c[k].verdict = v;
        k++;
    }
    sort_engine = self;
    qsort(c, (size_t)k, sizeof(cand_t), cmp_cand);
    /* scanner._resolve */
    Py_ssize_t nk = 0;
    int32_t last_end = -1;
    for (Py_ssize_t i = 0; i < k; i++) {
        if (nk && c[i].s == c[nk - 1].s && c[i].e == c[nk - 1].e && c[i].idx == c[nk - 1].idx)
            continue; /* the same match twice */
        if (c[i].s < last_end) {
            if (stronger(self, &c[i], &c[nk - 1])) {
                c[nk - 1] = c[i];
                last_end = c[i].e;
            }
            continue;
        }
        c[nk++] = c[i];
        last_end = c[i].e;
    }
    Py_ssize_t lo_rel = lo - base, hi_rel = hi - base, line_pos = lo_rel;
    for (Py_ssize_t i = 0; i < nk; i++) {
        Py_ssize_t s = c[i].s, e = c[i].e;
        if (!(lo_rel <= s && s < hi_rel)) continue;
        const spec_t *sp = &self->specs[c[i].idx];
        const verdict_t *v = &self->verdicts[c[i].verdict];
        PyObject *value = PyUnicode_Substring(text, s, e);
        if (value == NULL) goto fail;
        PyObject *location = Py_None;
        Py_INCREF(location);
        if (line_numbers) {
            lines += count_nl(&t, line_pos, s);
            line_pos = s;
            Py_DECREF(location);
            location = PyUnicode_FromFormat("line %zd", lines + 1);
            if (location == NULL) {
                Py_DECREF(value);
                goto fail;
            }
        }
        PyObject *f = PyBaseObject_Type.tp_new((PyTypeObject *)self->finding_type, EMPTY_TUPLE, NULL);
        if (f == NULL) {
            Py_DECREF(value);
            Py_DECREF(location);
            goto fail;
        }
        /* Each set() takes the reference it is given; the references are taken as
         * the calls are reached, so none is left over when one fails. */
        int failed = set(self, f, 0, N_type, Py_NewRef(sp->type)) < 0 ||
                     set(self, f, 1, N_start, PyLong_FromSsize_t(base + s)) < 0 ||
                     set(self, f, 2, N_end, PyLong_FromSsize_t(base + e)) < 0 ||
                     set(self, f, 5, N_masked, masked_of(self, sp, value)) < 0 ||
                     set(self, f, 3, N_value, Py_NewRef(value)) < 0 ||
                     set(self, f, 4, N_detail, Py_NewRef(v->detail)) < 0 ||
                     set(self, f, 6, N_location, Py_NewRef(location)) < 0 ||
                     set(self, f, 7, N_confidence, Py_NewRef(v->conf_obj)) < 0;
        Py_DECREF(value);
        Py_DECREF(location);
        if (failed) {
            Py_DECREF(f);
            goto fail;
        }
        int rc = PyList_Append(out, f);
        Py_DECREF(f);
        if (rc < 0) goto fail;
    }
    free(c);
    if (line_numbers) {
        Py_ssize_t to = hi_rel > t.n ? t.n : hi_rel;
        if (to > line_pos) lines += count_nl(&t, line_pos, to);
    }
    return PyLong_FromSsize_t(lines);
fail:
    free(c);
    return NULL;
}

static PyMethodDef Engine_methods[] = {
    {"scan", (PyCFunction)Engine_scan, METH_VARARGS,
     "scan(text, today) -> (runs, candidates, windows) or None"},
    {"hits", (PyCFunction)Engine_hits, METH_VARARGS,
     "hits(text, today) -> [(spec, start, end)] sorted, the anchors' hits (for tests), or None"},
    {"finish", (PyCFunction)Engine_finish, METH_VARARGS,
     "finish(text, candidates, matches, base, lo, hi, line_numbers, lines, out, today) -> lines"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject EngineType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "guildhall.checker._native.Engine",
    .tp_basicsize = sizeof(Engine),
    .tp_dealloc = (destructor)Engine_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The checker's Hyperscan databases and rules in C.",
    .tp_methods = Engine_methods,
    .tp_new = Engine_new,
};

static PyObject *version(PyObject *self, PyObject *unused) { return PyUnicode_FromString(hs_version()); }

/* views(text) -> (narrow, compressed, pos, runs) or None, as build_views writes them (tests). */
static PyObject *views_fn(PyObject *self, PyObject *args) {
    PyObject *text;
    if (!PyArg_ParseTuple(args, "U", &text)) return NULL;
    text_t t;
    if (!text_of(text, &t)) Py_RETURN_NONE;
    size_t n = t.n ? (size_t)t.n : 1;
    unsigned char *nb = malloc(n), *cb = malloc(n);
    uint32_t *pos = malloc(4 * n);
    PyObject *runs = PyList_New(0), *result = NULL, *plist = NULL;
    if (!nb || !cb || !pos || !runs) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t m = build_views(&t, nb, cb, pos, runs);
    if (m < 0) goto done;
    plist = PyList_New(m);
    if (plist == NULL) goto done;
    for (Py_ssize_t k = 0; k < m; k++) {
        PyObject *x = PyLong_FromUnsignedLong(pos[k]);
        if (x == NULL) goto done;
        PyList_SET_ITEM(plist, k, x);
    }
    result = Py_BuildValue("(y#y#OO)", nb, t.n, cb, m, plist, runs);
done:
    free(nb);
    free(cb);
    free(pos);
    Py_XDECREF(runs);
    Py_XDECREF(plist);
    return result;
}

/* mask(value) -> validators.mask(value, a personal-data type), for tests. */
static PyObject *mask_fn(PyObject *self, PyObject *args) {
    PyObject *value;
    if (!PyArg_ParseTuple(args, "U", &value)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(value);
    Py_UCS4 *v = PyUnicode_AsUCS4Copy(value);
    if (v == NULL) return NULL;
    mask_value(v, n);
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, v, n);
    PyMem_Free(v);
    return out;
}

static PyMethodDef methods[] = {
    {"hs_version", version, METH_NOARGS, "The version of the libhs this module uses."},
    {"views", views_fn, METH_VARARGS, "views(text) -> (narrow, compressed, pos, runs) or None (tests)."},
    {"mask", mask_fn, METH_VARARGS, "mask(value): validators.mask for a personal-data type (tests)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) {
    if (hs_valid_platform() != HS_SUCCESS) {
        PyErr_SetString(PyExc_ImportError, "libhs does not support this processor");
        return NULL;
    }
    init_tables();
    if (PyType_Ready(&EngineType) < 0) return NULL;
#define INTERN(var, s) if ((var = PyUnicode_InternFromString(s)) == NULL) return NULL
    INTERN(N_type, "type");
    INTERN(N_start, "start");
    INTERN(N_end, "end");
    INTERN(N_value, "value");
    INTERN(N_detail, "detail");
    INTERN(N_masked, "masked");
    INTERN(N_location, "location");
    INTERN(N_confidence, "confidence");
    EMPTY_TUPLE = PyTuple_New(0);
    if (EMPTY_TUPLE == NULL) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&EngineType);
    if (PyModule_AddObject(m, "Engine", (PyObject *)&EngineType) < 0) {
        Py_DECREF(&EngineType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
