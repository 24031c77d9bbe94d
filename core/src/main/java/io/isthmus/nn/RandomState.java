package io.isthmus.nn;

/**
 * A module that draws random numbers while training (dropout). Its random stream (seed and
 * position) is saved in checkpoints, so a resumed run draws what the uninterrupted run would
 * have, whatever seed the resumed model was built with.
 */
public interface RandomState {

    /** The stream as numbers, its position last: for {@link Dropout}, {seed, calls so far}. */
    long[] randomState();

    /** Restores what {@link #randomState()} returned; throws naming the expected form when it does not fit. */
    void setRandomState(long[] state);
}
