/* The compiled training loop: whole epochs of the trainer's rule in one call, without the GIL.
 *
 * It computes exactly what playground/engine/trainer.py does with NumPy (the readable reference;
 * tests compare the two to 1e-12): per epoch, the training points in their fixed order, the sum of
 * dE/dparam over each batch_size examples, the carried remainder of the last epoch joining the
 * first update, the optimizer's step (sgd, momentum, adam) from the mean, then the decoupled L1/L2
 * step on weights only (L1: a weight pushed across zero dies and stays 0); then the history row:
 * train and test loss and accuracy. It stops after the first epoch whose loss or parameters are
 * not finite (divergence), as Trainer.train does.
 *
 * Layout: neurons × examples, examples innermost, so the compiler vectorises the inner loops.
 *     inputs   (k, n_all)      feature f of point e at inputs[f·n_all + e]; training points first
 *     targets  (n_out, n_all)  the label (one output) or the one-hot row (multiclass)
 *     params   (P,)            per weight layer l a block (n_out, n_in + 1): row j = the weights
 *                              into neuron j in input order, then its bias (Network's layout)
 *     z_l, a_l (n_out, chunk)  in scratch; a batch uses its first B ≤ chunk columns
 *
 * The maths, for layer l with z_l = W_l a_l + b_l and a_{l+1} = f(z_l):
 *     δ_L = (out − t) · f_L′(z_L)        (softmax + cross-entropy: p − onehot, f′ taken as 1)
 *     δ_l = (W_{l+1}ᵀ δ_{l+1}) · f′(z_l)
 *     ∂E/∂W_l = Σ_e δ_l a_lᵀ,  ∂E/∂b_l = Σ_e δ_l
 * Built with -ffp-contract=off: no fused multiply-add, so products round as NumPy's do.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h> /* only for the empty module below: importing the library works, as tools expect */

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

enum { RELU, TANH, SIGMOID, LINEAR, LEAKY_RELU, ELU, SWISH, SINE, GAUSSIAN, SOFTMAX };
enum { CLASSIFICATION, REGRESSION, MULTICLASS };
enum { SGD, MOMENTUM, ADAM };
enum { NONE, L1, L2 };

#define LEAKY_RELU_SLOPE 0.01
#define ELU_ALPHA 1.0
#define MOMENTUM_MU 0.9
#define ADAM_BETA1 0.9
#define ADAM_BETA2 0.999
#define ADAM_EPSILON 1e-8
#define MAX_LAYERS 66 /* the config allows 64 hidden layers */

/* Everything below the entry point is inlined into it, and the entry point is compiled twice,
 * for AVX2 and for the baseline, the loader picking the one the CPU has (GCC's target_clones).
 * Only elementwise loops are vectorised (no reduction is reordered without -ffast-math), so both
 * give the same bits. */
#define INLINE static inline __attribute__((always_inline))

/* Everything one call needs; playground/engine/compiled.py fills it (ctypes.Structure, same order). */
typedef struct {
    int64_t n_layers;           /* weight layers */
    const int64_t *sizes;       /* (n_layers + 1,) neurons per layer, features first */
    int64_t hidden_activation;  /* an enum above */
    int64_t output_activation;  /* TANH, LINEAR or SOFTMAX */
    int64_t problem;
    int64_t optimizer;
    int64_t regularization;
    double learning_rate;
    double regularization_rate;
    int64_t batch_size;         /* 1 ≤ batch_size ≤ n_train */
    int64_t n_params;
    double *params;             /* (P,) */
    double *alive;              /* (P,) 1.0, or 0.0 where L1 killed a weight */
    const double *weight_mask;  /* (P,) 1.0 on weights, 0.0 on biases */
    double *velocity;           /* (P,) momentum's v, or adam's m */
    double *second_moment;      /* (P,) adam's v */
    int64_t *adam_steps;        /* adam's t */
    double *pending;            /* (P,) Σ dE/dparam of examples not yet in an update */
    int64_t *pending_count;
    double *grad_sum;           /* (P,) Σ dE/dparam of the last update */
    int64_t *grad_count;
    const double *inputs;       /* (k, n_all) */
    const double *targets;      /* (n_out, n_all) */
    int64_t n_train;
    int64_t n_all;
    double *scratch;            /* kernel_scratch_size(...) doubles */
    int64_t chunk;              /* columns of each scratch buffer, ≥ batch_size */
    int64_t measure_all;        /* 0: measure only the call's last epoch (other rows NaN): speed */
} Run;

/* Scratch: z and a per layer, two δ buffers, the leftover's gradient, and the penalty. */
int64_t kernel_scratch_size(int64_t n_layers, const int64_t *sizes, int64_t chunk, int64_t n_params) {
    int64_t total = 0, widest = sizes[0];
    for (int64_t l = 1; l <= n_layers; l++) {
        total += 2 * sizes[l] * chunk;
        if (sizes[l] > widest) widest = sizes[l];
    }
    return total + 2 * widest * chunk + 2 * n_params;
}

typedef struct {
    double *z[MAX_LAYERS];
    double *a[MAX_LAYERS];
    double *delta, *delta_below;
    double *leftover_grad, *penalty;
    int64_t offset[MAX_LAYERS];  /* where layer l's block starts in params */
} Buffers;

INLINE void buffers(const Run *r, Buffers *b) {
    double *p = r->scratch;
    int64_t widest = r->sizes[0], offset = 0;
    for (int64_t l = 0; l < r->n_layers; l++) {
        int64_t n_out = r->sizes[l + 1];
        b->z[l] = p; p += n_out * r->chunk;
        b->a[l] = p; p += n_out * r->chunk;
        if (n_out > widest) widest = n_out;
        b->offset[l] = offset;
        offset += n_out * (r->sizes[l] + 1);
    }
    b->delta = p; p += widest * r->chunk;
    b->delta_below = p; p += widest * r->chunk;
    b->leftover_grad = p; p += r->n_params;
    b->penalty = p;
}

/* e^x without a library call, so loops of it vectorise: e^x = 2^k · e^r with k = round(x / ln 2)
 * and r = x − k·ln 2 (|r| ≤ ln 2 / 2, ln 2 split in two so k·ln2_hi is exact), e^r by its Taylor
 * series to r¹³ (the next term is below 4e-18 relatively). About 1 ulp from libm's exp; x is
 * clamped to [−708, 709], where 2^k stays a normal double (e^−708 ≈ 3e-308 stands in for smaller). */
INLINE double fast_exp(double x) {
    const double shifter = 6755399441055744.0; /* 1.5·2⁵²: adding it rounds to an integer in the low bits */
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.0 ? 709.0 : x;
    double shifted = x * 1.4426950408889634 + shifter;
    int64_t bits;
    memcpy(&bits, &shifted, sizeof bits);
    double k = shifted - shifter;
    double r = x - k * 6.93147180369123816490e-01 - k * 1.90821492927058770002e-10;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    int64_t exponent = ((int64_t)(int32_t)bits + 1023) << 52; /* 2^k: k sits in the low bits */
    double scale;
    memcpy(&scale, &exponent, sizeof scale);
    return p * scale;
}

/* tanh without a branch or a library call (Cephes' tanh.c): |x| ≤ 0.625: x + x³·P(x²)/Q(x²), a
 * rational fit good to about 2e-16; beyond: sign(x)·(1 − 2 / (e^(2|x|) + 1)), where no digits
 * cancel. Both are computed and one chosen, so a loop of it vectorises. About 2 ulp from libm. */
INLINE double fast_tanh(double x) {
    double ax = fabs(x);
    double far = 1.0 - 2.0 / (fast_exp(2.0 * ax) + 1.0);
    far = copysign(far, x);
    double z = x * x;
    double p = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
    double q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
    double near = x + x * z * (p / q);
    return ax > 0.625 ? far : near;
}

INLINE double sigmoid(double z) { return 1.0 / (1.0 + fast_exp(-z)); }

INLINE void activate(int64_t kind, const double *z, double *a, int64_t n) {
    switch (kind) {
    case RELU: for (int64_t e = 0; e < n; e++) a[e] = z[e] > 0.0 ? z[e] : 0.0; break;
    case TANH: for (int64_t e = 0; e < n; e++) a[e] = fast_tanh(z[e]); break;
    case SIGMOID: for (int64_t e = 0; e < n; e++) a[e] = sigmoid(z[e]); break;
    case LEAKY_RELU: for (int64_t e = 0; e < n; e++) a[e] = z[e] > 0.0 ? z[e] : LEAKY_RELU_SLOPE * z[e]; break;
    case ELU: for (int64_t e = 0; e < n; e++) a[e] = z[e] > 0.0 ? z[e] : ELU_ALPHA * expm1(fmin(z[e], 0.0)); break;
    case SWISH: for (int64_t e = 0; e < n; e++) a[e] = z[e] * sigmoid(z[e]); break;
    case SINE: for (int64_t e = 0; e < n; e++) a[e] = sin(z[e]); break;
    case GAUSSIAN: for (int64_t e = 0; e < n; e++) a[e] = exp(-z[e] * z[e]); break;
    default: memcpy(a, z, (size_t)n * sizeof(double)); break; /* LINEAR */
    }
}

/* d[e] *= f′(z[e]) given a = f(z), as activations.py computes each derivative. */
INLINE void times_slope(int64_t kind, const double *z, const double *a, double *d, int64_t n) {
    switch (kind) {
    case RELU: for (int64_t e = 0; e < n; e++) d[e] *= z[e] > 0.0 ? 1.0 : 0.0; break;
    case TANH: for (int64_t e = 0; e < n; e++) d[e] *= 1.0 - a[e] * a[e]; break;
    case SIGMOID: for (int64_t e = 0; e < n; e++) d[e] *= a[e] * (1.0 - a[e]); break;
    case LEAKY_RELU: for (int64_t e = 0; e < n; e++) d[e] *= z[e] > 0.0 ? 1.0 : LEAKY_RELU_SLOPE; break;
    case ELU: for (int64_t e = 0; e < n; e++) d[e] *= z[e] > 0.0 ? 1.0 : a[e] + ELU_ALPHA; break;
    case SWISH:
        for (int64_t e = 0; e < n; e++) {
            double s = sigmoid(z[e]);
            d[e] *= a[e] + s * (1.0 - a[e]);
        }
        break;
    case SINE: for (int64_t e = 0; e < n; e++) d[e] *= cos(z[e]); break;
    case GAUSSIAN: for (int64_t e = 0; e < n; e++) d[e] *= -2.0 * z[e] * a[e]; break;
    default: break; /* LINEAR, and SOFTMAX under cross-entropy: a factor of 1 */
    }
}

/* Softmax down each column e of z (n_out, chunk): p = e^(z − max) / Σ e^(z − max). */
INLINE void softmax_columns(const double *z, double *p, int64_t n_out, int64_t chunk, int64_t n) {
    for (int64_t e = 0; e < n; e++) {
        double top = z[e];
        for (int64_t j = 1; j < n_out; j++) top = fmax(top, z[j * chunk + e]);
        double total = 0.0;
        for (int64_t j = 0; j < n_out; j++) {
            double v = fast_exp(z[j * chunk + e] - top);
            p[j * chunk + e] = v;
            total += v;
        }
        for (int64_t j = 0; j < n_out; j++) p[j * chunk + e] /= total;
    }
}

/* Row i of the activations entering layer l, for the n points from column `start`. */
INLINE const double *layer_input(const Run *r, const Buffers *b, int64_t l, int64_t i, int64_t start) {
    return l == 0 ? r->inputs + i * r->n_all + start : b->a[l - 1] + i * r->chunk;
}

/* z_j[e] = Σ_i w_ji·x_i[e] + b_j for neurons j0 … j0 + J − 1 at once (J ≤ 4): each x_i[e] is
 * loaded once for all J, and each z_j still adds its terms in i's order, then the bias. */
INLINE void weighted_sums(const Run *r, const Buffers *b, int64_t l, int64_t j0, int64_t J, int64_t start,
                          int64_t n) {
    int64_t n_in = r->sizes[l];
    const double *w = r->params + b->offset[l] + j0 * (n_in + 1);
    double *z0 = b->z[l] + j0 * r->chunk, *z1 = z0 + r->chunk, *z2 = z1 + r->chunk, *z3 = z2 + r->chunk;
    for (int64_t e = 0; e < n; e++) z0[e] = 0.0;
    if (J > 1) for (int64_t e = 0; e < n; e++) z1[e] = 0.0;
    if (J > 2) for (int64_t e = 0; e < n; e++) z2[e] = 0.0;
    if (J > 3) for (int64_t e = 0; e < n; e++) z3[e] = 0.0;
    for (int64_t i = 0; i < n_in; i++) {
        const double *x = layer_input(r, b, l, i, start);
        double w0 = w[i], w1 = J > 1 ? w[n_in + 1 + i] : 0.0;
        double w2 = J > 2 ? w[2 * (n_in + 1) + i] : 0.0, w3 = J > 3 ? w[3 * (n_in + 1) + i] : 0.0;
        if (J == 4) {
            for (int64_t e = 0; e < n; e++) {
                double xe = x[e];
                z0[e] += w0 * xe;
                z1[e] += w1 * xe;
                z2[e] += w2 * xe;
                z3[e] += w3 * xe;
            }
        } else {
            for (int64_t e = 0; e < n; e++) z0[e] += w0 * x[e];
            if (J > 1) for (int64_t e = 0; e < n; e++) z1[e] += w1 * x[e];
            if (J > 2) for (int64_t e = 0; e < n; e++) z2[e] += w2 * x[e];
        }
    }
    double *zs[4] = {z0, z1, z2, z3};
    for (int64_t j = 0; j < J; j++) {
        double bias = w[j * (n_in + 1) + n_in];
        for (int64_t e = 0; e < n; e++) zs[j][e] += bias;
    }
}

INLINE void forward(const Run *r, Buffers *b, int64_t start, int64_t n) {
    for (int64_t l = 0; l < r->n_layers; l++) {
        int64_t n_out = r->sizes[l + 1];
        for (int64_t j0 = 0; j0 < n_out; j0 += 4)
            weighted_sums(r, b, l, j0, n_out - j0 < 4 ? n_out - j0 : 4, start, n);
        int last = l == r->n_layers - 1;
        int64_t kind = last ? r->output_activation : r->hidden_activation;
        if (kind == SOFTMAX) {
            softmax_columns(b->z[l], b->a[l], n_out, r->chunk, n);
        } else {
            for (int64_t j = 0; j < n_out; j++)
                activate(kind, b->z[l] + j * r->chunk, b->a[l] + j * r->chunk, n);
        }
    }
}

/* g[i] = Σ_e d[e]·x_i[e] for inputs i0 … i0 + I − 1 at once (I ≤ 4): four independent chains of
 * additions, each in e's order, sharing the loads of d. */
INLINE void gradient_row(const Run *r, const Buffers *b, int64_t l, int64_t i0, int64_t I, int64_t start,
                         const double *d, double *g, int64_t n) {
    const double *x0 = layer_input(r, b, l, i0, start);
    const double *x1 = I > 1 ? layer_input(r, b, l, i0 + 1, start) : x0;
    const double *x2 = I > 2 ? layer_input(r, b, l, i0 + 2, start) : x0;
    const double *x3 = I > 3 ? layer_input(r, b, l, i0 + 3, start) : x0;
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    for (int64_t e = 0; e < n; e++) {
        double de = d[e];
        s0 += de * x0[e];
        s1 += de * x1[e];
        s2 += de * x2[e];
        s3 += de * x3[e];
    }
    double sums[4] = {s0, s1, s2, s3};
    for (int64_t i = 0; i < I; i++) g[i0 + i] = sums[i];
}

/* δ_below_i[e] = Σ_j w_ji·δ_j[e] for inputs i0 … i0 + I − 1 at once (I ≤ 4), in j's order. */
INLINE void back_sums(const Run *r, const Buffers *b, int64_t l, int64_t i0, int64_t I, const double *delta,
                      double *below, int64_t n) {
    int64_t n_in = r->sizes[l], width = r->sizes[l + 1];
    const double *block = r->params + b->offset[l];
    double *n0 = below + i0 * r->chunk, *n1 = n0 + r->chunk, *n2 = n1 + r->chunk, *n3 = n2 + r->chunk;
    double *rows[4] = {n0, n1, n2, n3};
    for (int64_t i = 0; i < I; i++)
        for (int64_t e = 0; e < n; e++) rows[i][e] = 0.0;
    for (int64_t j = 0; j < width; j++) {
        const double *w = block + j * (n_in + 1) + i0, *d = delta + j * r->chunk;
        if (I == 4) {
            double w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
            for (int64_t e = 0; e < n; e++) {
                double de = d[e];
                n0[e] += w0 * de;
                n1[e] += w1 * de;
                n2[e] += w2 * de;
                n3[e] += w3 * de;
            }
        } else {
            for (int64_t i = 0; i < I; i++) {
                double wi = w[i];
                for (int64_t e = 0; e < n; e++) rows[i][e] += wi * d[e];
            }
        }
    }
}

/* grad (laid out like params) = Σ over the n points from `start` of dE/dparam. */
INLINE void gradient_sum(const Run *r, Buffers *b, int64_t start, int64_t n, double *grad) {
    forward(r, b, start, n);
    int64_t top = r->n_layers - 1, n_out = r->sizes[r->n_layers];
    double *delta = b->delta, *below = b->delta_below;
    for (int64_t j = 0; j < n_out; j++) {
        const double *out = b->a[top] + j * r->chunk, *t = r->targets + j * r->n_all + start;
        double *d = delta + j * r->chunk;
        for (int64_t e = 0; e < n; e++) d[e] = out[e] - t[e];
        times_slope(r->output_activation, b->z[top] + j * r->chunk, out, d, n);
    }
    for (int64_t l = top; l >= 0; l--) {
        int64_t n_in = r->sizes[l], width = r->sizes[l + 1];
        double *g = grad + b->offset[l];
        for (int64_t j = 0; j < width; j++) { /* ∂E/∂w_ji = Σ_e δ_j[e]·x_i[e], ∂E/∂b_j = Σ_e δ_j[e] */
            const double *d = delta + j * r->chunk;
            double *row = g + j * (n_in + 1);
            for (int64_t i0 = 0; i0 < n_in; i0 += 4)
                gradient_row(r, b, l, i0, n_in - i0 < 4 ? n_in - i0 : 4, start, d, row, n);
            double s = 0.0;
            for (int64_t e = 0; e < n; e++) s += d[e];
            row[n_in] = s;
        }
        if (l == 0) break;
        for (int64_t i0 = 0; i0 < n_in; i0 += 4) /* δ_below = Wᵀ δ · f′(z_below) */
            back_sums(r, b, l, i0, n_in - i0 < 4 ? n_in - i0 : 4, delta, below, n);
        for (int64_t i = 0; i < n_in; i++)
            times_slope(r->hidden_activation, b->z[l - 1] + i * r->chunk, b->a[l - 1] + i * r->chunk,
                        below + i * r->chunk, n);
        double *swap = delta; delta = below; below = swap;
    }
}

/* One update from grad_sum over `count` examples: the optimizer, then the L1/L2 step. */
INLINE void update(const Run *r, Buffers *b, int64_t count) {
    int64_t P = r->n_params;
    double *p = r->params, *g = r->grad_sum;
    int has_dead = 0;
    if (r->regularization == L1)
        for (int64_t k = 0; k < P && !has_dead; k++) has_dead = r->alive[k] == 0.0;
    if (has_dead)
        for (int64_t k = 0; k < P; k++) g[k] *= r->alive[k]; /* dead links accumulate nothing */
    *r->grad_count = count;
    double lr = r->learning_rate;
    int regularize = r->regularization != NONE && r->regularization_rate != 0.0;
    if (regularize) { /* from the weights before the optimizer's step */
        double scale = lr * r->regularization_rate;
        for (int64_t k = 0; k < P; k++) {
            double slope = r->regularization == L2 ? p[k] : (p[k] > 0.0) - (p[k] < 0.0);
            b->penalty[k] = scale * slope * r->weight_mask[k];
        }
    }
    if (r->optimizer == SGD) {
        double step = lr / (double)count;
        for (int64_t k = 0; k < P; k++) p[k] -= step * g[k];
    } else if (r->optimizer == MOMENTUM) {
        double *v = r->velocity;
        for (int64_t k = 0; k < P; k++) {
            v[k] *= MOMENTUM_MU;
            v[k] += g[k] / (double)count;
            p[k] -= lr * v[k];
        }
    } else {
        double *m = r->velocity, *v = r->second_moment;
        int64_t t = ++*r->adam_steps;
        double c1 = 1.0 - pow(ADAM_BETA1, (double)t), c2 = 1.0 - pow(ADAM_BETA2, (double)t);
        for (int64_t k = 0; k < P; k++) {
            double grad = g[k] / (double)count;
            m[k] *= ADAM_BETA1;
            m[k] += (1.0 - ADAM_BETA1) * grad;
            v[k] *= ADAM_BETA2;
            v[k] += (1.0 - ADAM_BETA2) * grad * grad;
            double m_hat = m[k] / c1, v_hat = v[k] / c2;
            p[k] -= lr * m_hat / (sqrt(v_hat) + ADAM_EPSILON);
        }
    }
    if (has_dead)
        for (int64_t k = 0; k < P; k++) p[k] *= r->alive[k];
    if (!regularize) return;
    if (r->regularization == L2) {
        for (int64_t k = 0; k < P; k++) p[k] -= b->penalty[k];
        return;
    }
    for (int64_t k = 0; k < P; k++) {
        double updated = p[k] - b->penalty[k];
        if (p[k] * updated < 0.0) { /* pushed across zero by the L1 step: dies */
            updated = 0.0;
            r->alive[k] = 0.0;
        }
        p[k] = updated;
    }
}

INLINE void train_one_epoch(const Run *r, Buffers *b) {
    int64_t size = r->batch_size, n_full = r->n_train / size * size;
    for (int64_t start = 0; start < n_full; start += size) {
        gradient_sum(r, b, start, size, r->grad_sum);
        int64_t count = size;
        if (*r->pending_count) {
            for (int64_t k = 0; k < r->n_params; k++) {
                r->grad_sum[k] += r->pending[k];
                r->pending[k] = 0.0;
            }
            count += *r->pending_count;
            *r->pending_count = 0;
        }
        update(r, b, count);
    }
    if (n_full < r->n_train) { /* the remainder joins the next epoch's first update */
        gradient_sum(r, b, n_full, r->n_train - n_full, b->leftover_grad);
        for (int64_t k = 0; k < r->n_params; k++) r->pending[k] += b->leftover_grad[k];
        *r->pending_count += r->n_train - n_full;
    }
}

/* row = train loss, test loss, train accuracy, test accuracy (NaN: no points, or regression). */
INLINE void measure(const Run *r, Buffers *b, double *row) {
    int64_t top = r->n_layers - 1, n_out = r->sizes[r->n_layers];
    double loss[2] = {0.0, 0.0}, right[2] = {0.0, 0.0};
    for (int64_t start = 0; start < r->n_all; start += r->chunk) {
        int64_t n = r->n_all - start < r->chunk ? r->n_all - start : r->chunk;
        forward(r, b, start, n);
        const double *out = b->a[top];
        for (int64_t e = 0; e < n; e++) {
            int64_t col = start + e, part = col < r->n_train ? 0 : 1;
            if (r->problem == MULTICLASS) {
                double p_label = 0.0;
                int64_t guess = 0, label = 0;
                for (int64_t j = 0; j < n_out; j++) {
                    double p = out[j * r->chunk + e], t = r->targets[j * r->n_all + col];
                    p_label += p * t;
                    if (t == 1.0) label = j;
                    double best = out[guess * r->chunk + e];
                    if (!isnan(best) && (isnan(p) || p > best)) guess = j; /* argmax, the first NaN wins */
                }
                loss[part] += -log(fmax(p_label, DBL_MIN));
                right[part] += guess == label;
            } else {
                double o = out[e], t = r->targets[col], d = o - t;
                loss[part] += 0.5 * d * d;
                right[part] += (o >= 0.0 ? 1.0 : -1.0) == t;
            }
        }
    }
    int64_t counts[2] = {r->n_train, r->n_all - r->n_train};
    for (int part = 0; part < 2; part++) {
        row[part] = counts[part] ? loss[part] / (double)counts[part] : NAN;
        row[2 + part] = counts[part] && r->problem != REGRESSION ? right[part] / (double)counts[part] : NAN;
    }
}

INLINE int diverged(const Run *r, const double *row) {
    if ((r->n_train && !isfinite(row[0])) || (r->n_all > r->n_train && !isfinite(row[1]))) return 1;
    for (int64_t k = 0; k < r->n_params; k++)
        if (!isfinite(r->params[k])) return 1;
    return 0;
}

/* 1 where kernel_train_epochs runs its AVX2 clone (what target_clones' resolver picks). */
int64_t kernel_uses_avx2(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}

/* For the tests: the kernel's own tanh and exp over n values. */
void kernel_tanh(const double *x, double *out, int64_t n) { for (int64_t e = 0; e < n; e++) out[e] = fast_tanh(x[e]); }
void kernel_exp(const double *x, double *out, int64_t n) { for (int64_t e = 0; e < n; e++) out[e] = fast_exp(x[e]); }

/* Train up to `epochs` epochs, writing each one's history row to rows[4·e …]; stop after the first
 * divergent one. Returns how many epochs ran (−1: the network is deeper than MAX_LAYERS). */
__attribute__((target_clones("avx2", "default")))
int64_t kernel_train_epochs(const Run *r, int64_t epochs, double *rows) {
    if (r->n_layers > MAX_LAYERS || r->n_train < 1) return -1;
    Buffers b;
    buffers(r, &b);
    for (int64_t epoch = 0; epoch < epochs; epoch++) {
        double *row = rows + 4 * epoch;
        train_one_epoch(r, &b);
        if (r->measure_all || epoch == epochs - 1) {
            measure(r, &b, row);
            if (diverged(r, row)) return epoch + 1;
        } else {
            row[0] = row[1] = row[2] = row[3] = NAN;
        }
    }
    return epochs;
}

/* The library is used through ctypes; as a file named like an extension module it can also be
 * imported (pkgutil, PyInstaller and pydoc walk packages), which gives this empty module. */
static struct PyModuleDef kernel_module = {
    PyModuleDef_HEAD_INIT, "_kernel", "The compiled training loop, used through ctypes by playground.engine.compiled.",
    -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__kernel(void) { return PyModule_Create(&kernel_module); }
