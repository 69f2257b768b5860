package org.sgdnoise.core.spec;

import java.util.List;

/**
 * One factor of the sweep's product: a single grid parameter, or a zip group whose parameters
 * advance together. The planner decodes a cell index in mixed radix over these.
 *
 * @param params the parameters this dimension sets (one, or a zip group in file order)
 * @param size how many positions it has
 */
public record Dimension(List<Param> params, int size) implements java.io.Serializable {
  public Dimension {
    params = List.copyOf(params);
  }
}
