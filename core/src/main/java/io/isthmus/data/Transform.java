package io.isthmus.data;

import java.util.SplittableRandom;

/**
 * A change applied to every batch a {@link DataLoader} produces (augmentation, normalization,
 * masks). It runs on the loader's prefetch thread when there is one, so it overlaps training.
 * It may modify the batch's arrays in place, since each batch is freshly built, and replace or
 * add fields with {@link Batch#with}, e.g.
 * {@code batch.with("inputs", noisy)} or {@code batch.with("source_mask", mask)}.
 */
@FunctionalInterface
public interface Transform {

    /**
     * @param batch  every field of the dataset, each [B, ...]
     * @param random a generator seeded from (loader seed, epoch, batch index), so augmentations
     *               are reproducible and the same with or without prefetching
     * @return the transformed batch (may be {@code batch} itself)
     */
    Batch apply(Batch batch, SplittableRandom random);

    /** This transform, then {@code next} (with the same generator, continued). */
    default Transform andThen(Transform next) {
        return (batch, random) -> next.apply(apply(batch, random), random);
    }
}
