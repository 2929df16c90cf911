//! Topic and broker configuration definitions. (Being written.)
