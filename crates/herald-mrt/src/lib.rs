//! MRT reader (in progress).
