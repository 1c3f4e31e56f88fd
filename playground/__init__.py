"""Backprop Playground: watch a neural network learn, and see backpropagation itself."""

__version__ = "0.1.0"
