"""The library-agnostic part of the codemod: vocabularies, the residue scan, the project index."""
