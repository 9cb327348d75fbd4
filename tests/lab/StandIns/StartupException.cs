namespace Lab.StandIns;

/// <summary>Bad flags or files at start-up: printed as one line, exit code 1, no stack trace.</summary>
internal sealed class StartupException(string message) : Exception(message);
