/*
 * driver.c - runs a libFuzzer-style target without libFuzzer: each file
 * named on the command line once (a corpus, or a crash to replay), then
 * -runs=N random inputs (default 10000) from -seed=S. Under ASan and UBSan
 * a crash or an assertion ends the run with the input's seed and length.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* splitmix64: a reproducible stream from the seed. */
static uint64_t
next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int
run_file(const char *path)
{
    static uint8_t buf[1 << 16];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL) {
        perror(path);
        return 1;
    }
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    return LLVMFuzzerTestOneInput(buf, n);
}

int
main(int argc, char **argv)
{
    uint64_t runs = 10000;
    uint64_t seed = 1;
    uint8_t buf[4096];

    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "-runs=", 6) == 0)
            runs = strtoull(argv[i] + 6, NULL, 10);
        else if (strncmp(argv[i], "-seed=", 6) == 0)
            seed = strtoull(argv[i] + 6, NULL, 10);
        else if (run_file(argv[i]) != 0)
            return 1;
    }
    for (uint64_t r = 0; r < runs; r++) {
        uint64_t s = seed + r;
        size_t n = next(&s) % sizeof(buf);

        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)next(&s);
        LLVMFuzzerTestOneInput(buf, n);
    }
    printf("fuzz: %llu random inputs from seed %llu, no failure\n",
           (unsigned long long)runs, (unsigned long long)seed);
    return 0;
}
