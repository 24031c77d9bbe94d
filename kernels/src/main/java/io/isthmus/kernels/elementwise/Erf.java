package io.isthmus.kernels.elementwise;

/**
 * The error function in double precision (the JDK has none): Abramowitz-Stegun 7.1.26 is too
 * coarse for a reference, so this uses the series for |x| &lt; 2.5 and the continued fraction
 * of erfc beyond, both accurate to about 1e-15.
 */
public final class Erf {

    private Erf() {
    }

    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        double result;
        if (ax < 2.5) {
            // erf(x) = 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            result = 2 / Math.sqrt(Math.PI) * sum;
        } else if (ax > 6) {
            result = 1.0;
        } else {
            // Lentz continued fraction for erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...))))
            double f = ax;
            for (int k = 60; k >= 1; k--) {
                f = ax + (k / 2.0) / f;
            }
            double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
            result = 1 - erfc;
        }
        return x < 0 ? -result : result;
    }
}
