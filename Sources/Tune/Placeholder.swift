public enum TuneModule {}
