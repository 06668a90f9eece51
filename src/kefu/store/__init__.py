"""The two stores: the application database and the Parquet fact store."""
