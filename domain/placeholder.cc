// placeholder so the layer library has a source until its first file lands
