SELECT count() AS dead_letters FROM dead_letters FINAL
