"""Reading Vietnamese news articles and building a whoosh index of them."""
