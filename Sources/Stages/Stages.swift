/// The stage kinds: thin adapters from params and input artifacts to library calls.
public enum Stages {}
