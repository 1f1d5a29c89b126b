"""Seeing inside models: summaries, gradient size over time, gate activations, plots, reports."""
from seqlab.inspect.gradients import gradient_over_time
from seqlab.inspect.summary import format_shape, summary_table

__all__ = ["summary_table", "format_shape", "gradient_over_time"]
