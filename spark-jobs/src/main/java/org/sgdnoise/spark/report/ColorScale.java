package org.sgdnoise.spark.report;

import java.awt.Color;

/**
 * Colours that stay readable in grey-scale print and for colour-blind readers: viridis for
 * continuous values (perceptually uniform, monotone in lightness; van der Walt and Smith,
 * matplotlib 2.0), and the Okabe–Ito palette for categories (Okabe and Ito 2008, "Color
 * Universal Design"; yellow left out, it vanishes on white).
 */
public final class ColorScale {
  /** Viridis at 16 evenly spaced stops from 0 to 1 (matplotlib's table). */
  private static final int[] VIRIDIS = {
    0x440154, 0x481a6c, 0x472f7d, 0x414487, 0x39568c, 0x31688e, 0x2a788e, 0x23888e,
    0x1f988b, 0x22a884, 0x35b779, 0x54c568, 0x7ad151, 0xa5db36, 0xd2e21b, 0xfde725
  };

  private static final int[] OKABE_ITO = {
    0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0x999999
  };

  private ColorScale() {}

  /** Viridis at {@code t} in [0, 1] (clamped), linearly interpolated between its stops. */
  public static Color viridis(double t) {
    double u = Double.isNaN(t) ? 0 : Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
    int k = Math.min((int) Math.floor(u), VIRIDIS.length - 2);
    double f = u - k;
    Color a = new Color(VIRIDIS[k]);
    Color b = new Color(VIRIDIS[k + 1]);
    return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f),
        mix(a.getBlue(), b.getBlue(), f));
  }

  /** The {@code i}-th category colour (cycles after 8). */
  public static Color category(int i) {
    return new Color(OKABE_ITO[Math.floorMod(i, OKABE_ITO.length)]);
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }
}
