// placeholder: the media helper replaces this
