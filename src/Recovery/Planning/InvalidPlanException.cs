namespace Recovery.Planning;

/// <summary>A plan file that cannot be executed as it is: the message names what was wrong and what was expected.</summary>
internal sealed class InvalidPlanException(string message, Exception? inner = null) : Exception(message, inner);
