package org.sgdnoise.core.data;

/**
 * A labelled image set: pixel intensities scaled to [0, 1] (byte/255) as floats, row-major one
 * image per row, and a class label per image.
 *
 * @param x the images, rows × features. Shared: do not modify.
 * @param labels the class of each image, 0 … classes − 1. Shared: do not modify.
 * @param rows number of images
 * @param features pixels per image
 * @param classes number of classes (10 for MNIST and Fashion-MNIST)
 */
public record ImageData(float[] x, byte[] labels, int rows, int features, int classes) {

  /** Builds the set from an images array and a labels array, checking they belong together. */
  static ImageData of(Idx.Array images, Idx.Array labels, int classes, String what)
      throws IdxFormatException {
    if (images.dims().length < 2) {
      throw new IdxFormatException(what, "images need at least 2 dimensions (count, pixels): "
          + java.util.Arrays.toString(images.dims()));
    }
    if (labels.dims().length != 1) {
      throw new IdxFormatException(what, "labels need 1 dimension: "
          + java.util.Arrays.toString(labels.dims()));
    }
    if (images.count() != labels.count()) {
      throw new IdxFormatException(what, images.count() + " images but " + labels.count()
          + " labels");
    }
    final byte[] y = labels.data();
    for (int i = 0; i < y.length; i++) {
      if ((y[i] & 0xFF) >= classes) {
        throw new IdxFormatException(what, "label " + (y[i] & 0xFF) + " of image " + i
            + " is not a class 0 … " + (classes - 1));
      }
    }
    final byte[] px = images.data();
    final float[] x = new float[px.length];
    for (int i = 0; i < px.length; i++) {
      x[i] = (px[i] & 0xFF) / 255f;
    }
    return new ImageData(x, y, images.count(), images.itemSize(), classes);
  }

  /** The label of image {@code i}. */
  public int label(int i) {
    return labels[i] & 0xFF;
  }
}
