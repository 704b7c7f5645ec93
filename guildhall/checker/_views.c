/* Build the checker's narrow and UTF-16 views of a str in one pass (see byteviews.py).
 *
 * fill(text, narrow_buf, wide_buf, compressed_buf, pos_buf) -> (markers, m), or None
 *
 * writes into the first len(text) bytes of narrow_buf, 2 * len(text) of wide_buf,
 * m bytes of compressed_buf and m uint32 of pos_buf (writable buffers the caller
 * reuses):
 *
 * narrow: one byte per character -- ASCII itself, the full-width forms the
 *         engine normalises (U+FF0B, U+FF0D, U+FF10-FF19, U+FF21-FF3A,
 *         U+FF41-FF5A) the markers 0x80-0xBF in that order, everything else '?';
 * wide:   the UTF-16-LE code units (lone surrogates kept, as "surrogatepass");
 * compressed: the narrow view with every run of '?' written as one '?' (m bytes);
 * pos:    pos[k] is the index in the text of the compressed view's k-th byte;
 * markers: the runs [start, end) of full-width forms.
 * None when the text has a character above U+FFFF (it is scanned through UTF-8).
 *
 * Only the public str API is used (PyUnicode_KIND / PyUnicode_DATA on a str
 * this function holds a reference to); nothing outlives the call but copies.
 * byteviews.py has the pure-Python equivalent, and a property test compares them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static unsigned char fw_marker[0x60]; /* index cp - 0xFF00; 0 = not a normalised form */

/* The narrow view's byte for every BMP code unit (byteviews.NARROW_TABLE). */
static unsigned char narrow_table[0x10000];
#define narrow_of(c) narrow_table[(c)]

/* One of the normalised full-width forms (not ，：；！？ and the like, which are
 * common in Chinese text and become '?'): U+FF0B, U+FF0D, U+FF10-FF19,
 * U+FF21-FF3A, U+FF41-FF5A (clearing bit 0x20 of c - 0xFF21 folds the cases). */
#define IS_FULLWIDTH_FORM(c)                                                              \
    (((Py_UCS2)((c) - 0xFF10) <= 9) | ((Py_UCS2)(((c) - 0xFF21) & ~0x20u) <= 25) | \
     ((c) == 0xFF0B) | ((c) == 0xFF0D))

#define BLOCK 2048

static void init_tables(void) {
    int n = 0;
    fw_marker[0x0B] = 0x80 + n++;
    fw_marker[0x0D] = 0x80 + n++;
    for (int c = 0x10; c <= 0x19; c++) fw_marker[c] = 0x80 + n++;
    for (int c = 0x21; c <= 0x3A; c++) fw_marker[c] = 0x80 + n++;
    for (int c = 0x41; c <= 0x5A; c++) fw_marker[c] = 0x80 + n++;
    for (int c = 0; c < 0x10000; c++) narrow_table[c] = c < 0x80 ? c : '?';
    for (int c = 0; c < 0x60; c++)
        if (fw_marker[c]) narrow_table[0xFF00 + c] = fw_marker[c];
}


static int add_run(PyObject *runs, Py_ssize_t a, Py_ssize_t b) {
    PyObject *t = Py_BuildValue("(nn)", a, b);
    if (t == NULL) return -1;
    int rc = PyList_Append(runs, t);
    Py_DECREF(t);
    return rc;
}

static PyObject *fill(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer nbuf, wbuf, cbuf, pbuf;
    if (!PyArg_ParseTuple(args, "Uw*w*w*w*", &text, &nbuf, &wbuf, &cbuf, &pbuf)) return NULL;
    PyObject *result = NULL, *runs = NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (nbuf.len < n || wbuf.len < 2 * n || cbuf.len < n ||
        pbuf.len < n * (Py_ssize_t)sizeof(uint32_t) || n > (Py_ssize_t)UINT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "buffers too small");
        goto done;
    }
    unsigned char *nb = (unsigned char *)nbuf.buf;
    unsigned char *wb = (unsigned char *)wbuf.buf;
    if (kind == PyUnicode_4BYTE_KIND) {
        const Py_UCS4 *u = (const Py_UCS4 *)data;
        for (Py_ssize_t i = 0; i < n; i++)
            if (u[i] > 0xFFFF) { result = Py_None; Py_INCREF(result); goto done; }
    }
    runs = PyList_New(0);
    if (runs == NULL) goto done;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *u = (const Py_UCS1 *)data;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS1 c = u[i];
            nb[i] = c < 0x80 ? c : '?';
            wb[2 * i] = c;
            wb[2 * i + 1] = 0;
        }
        goto compress;
    }
    /* Blocks of BLOCK code units: one branch-free pass the compiler
     * vectorises (ASCII stays, everything else becomes '?', and a flag says
     * whether the block holds a normalised full-width form); only the rare
     * flagged blocks are read again to write the markers and find their runs. */
    Py_ssize_t run_start = -1;
    for (Py_ssize_t lo = 0; lo < n; lo += BLOCK) {
        Py_ssize_t hi = lo + BLOCK < n ? lo + BLOCK : n;
        unsigned int fw = 0;
        if (kind == PyUnicode_2BYTE_KIND) {
            const Py_UCS2 *u = (const Py_UCS2 *)data;
            for (Py_ssize_t i = lo; i < hi; i++) {
                Py_UCS2 c = u[i];
                nb[i] = c < 0x80 ? (unsigned char)c : (unsigned char)'?';
                fw |= IS_FULLWIDTH_FORM(c);
            }
        } else {
            const Py_UCS4 *u = (const Py_UCS4 *)data;
            for (Py_ssize_t i = lo; i < hi; i++) {
                Py_UCS4 c = u[i];
                nb[i] = c < 0x80 ? (unsigned char)c : (unsigned char)'?';
                fw |= IS_FULLWIDTH_FORM(c);
            }
        }
        if (!fw) {
            if (run_start >= 0) {
                if (add_run(runs, run_start, lo) < 0) goto fail;
                run_start = -1;
            }
            continue;
        }
        for (Py_ssize_t i = lo; i < hi; i++) {
            unsigned int c = kind == PyUnicode_2BYTE_KIND ? ((const Py_UCS2 *)data)[i]
                                                           : ((const Py_UCS4 *)data)[i];
            if (IS_FULLWIDTH_FORM(c)) {
                nb[i] = narrow_of(c);
                if (run_start < 0) run_start = i;
            } else if (run_start >= 0) {
                if (add_run(runs, run_start, i) < 0) goto fail;
                run_start = -1;
            }
        }
    }
    if (run_start >= 0 && add_run(runs, run_start, n) < 0) goto fail;
    /* The UTF-16-LE view: the code units themselves. */
    if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *u = (const Py_UCS2 *)data;
#if PY_LITTLE_ENDIAN
        memcpy(wb, u, 2 * (size_t)n);
#else
        for (Py_ssize_t i = 0; i < n; i++) {
            wb[2 * i] = (unsigned char)(u[i] & 0xFF);
            wb[2 * i + 1] = (unsigned char)(u[i] >> 8);
        }
#endif
    } else {
        const Py_UCS4 *u = (const Py_UCS4 *)data;
        for (Py_ssize_t i = 0; i < n; i++) {
            wb[2 * i] = (unsigned char)(u[i] & 0xFF);
            wb[2 * i + 1] = (unsigned char)(u[i] >> 8);
        }
    }
compress:;
    /* The compressed narrow view: every run of '?' becomes one '?', and
     * pos[k] is the index in the text of the k-th byte kept (a run's first). */
    {
        unsigned char *cb = (unsigned char *)cbuf.buf;
        uint32_t *pos = (uint32_t *)pbuf.buf;
        Py_ssize_t k = 0;
        unsigned char prev = 0;
        for (Py_ssize_t i = 0; i < n; i++) {
            unsigned char c = nb[i];
            cb[k] = c;
            pos[k] = (uint32_t)i;
            k += !(c == '?' && prev == '?');
            prev = c;
        }
        result = Py_BuildValue("(Nn)", runs, k);
        runs = NULL;
    }
    goto done;
fail:
    Py_CLEAR(runs);
done:
    PyBuffer_Release(&nbuf);
    PyBuffer_Release(&wbuf);
    PyBuffer_Release(&cbuf);
    PyBuffer_Release(&pbuf);
    return result;
}

static PyMethodDef methods[] = {
    {"fill", fill, METH_VARARGS, "fill(text, narrow, wide, compressed, pos) -> (marker runs, m) or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_views", NULL, -1, methods};

PyMODINIT_FUNC PyInit__views(void) {
    init_tables();
    return PyModule_Create(&module);
}
