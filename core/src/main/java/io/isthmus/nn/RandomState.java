package io.isthmus.nn;

/**
 * A module that draws random numbers while training (dropout). Its position in the random
 * stream is saved in checkpoints, so a resumed run draws what the uninterrupted run would have.
 */
public interface RandomState {

    /** How far this module has advanced its random stream. */
    long randomState();

    void setRandomState(long state);
}
