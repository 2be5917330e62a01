/*
 * output_file.c - the EVE file sink: one JSON object per line to a file
 * (appended) or to stdout ("-"). Lines are written with stdio buffering and
 * flushed by output_flush() (whenever the output thread has nothing more to
 * write, and at exit), so a crash loses at most one buffer; write errors
 * (disk full, closed pipe) are returned so the output layer counts them.
 */
#include "output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct file_sink {
    FILE *fp;
    int is_stdout;
};

static int file_open(const struct sensor_config *cfg, const char *target, unsigned flags,
                     void **ret_handle, char *err, size_t errlen)
{
    (void)cfg;
    (void)flags;
    struct file_sink *s = calloc(1, sizeof(*s));
    if (!s)
        return -ENOMEM;
    if (strcmp(target, "-") == 0) {
        s->fp = stdout;
        s->is_stdout = 1;
    } else {
        s->fp = fopen(target, "a");
        if (!s->fp) {
            int e = errno;
            snprintf(err, errlen, "%s: %s", target, strerror(e));
            free(s);
            return -e;
        }
    }
    *ret_handle = s;
    return 0;
}

static int file_write(void *handle, const char *buf, size_t len)
{
    struct file_sink *s = handle;
    if (fwrite(buf, 1, len, s->fp) != len || fputc('\n', s->fp) == EOF)
        return -EIO;
    return 0;
}

static int file_flush(void *handle)
{
    struct file_sink *s = handle;
    return fflush(s->fp) == 0 ? 0 : -EIO;
}

static void file_close(void *handle)
{
    struct file_sink *s = handle;
    if (!s)
        return;
    if (s->is_stdout)
        fflush(s->fp);
    else
        fclose(s->fp);
    free(s);
}

const struct output_sink output_file_sink = {
    .name = "eve-file",
    .open = file_open,
    .write = file_write,
    .flush = file_flush,
    .close = file_close,
};
