namespace Recovery.Inventory;

/// <summary>One thing wrong with the inventory, located precisely: file, line, field, what was found, what was expected.</summary>
internal sealed record InventoryError(string Source, long Line, string Field, string Problem)
{
    public override string ToString() => Line > 0 ? $"{Source}:{Line}: {Field}: {Problem}" : $"{Source}: {Field}: {Problem}";
}

/// <summary>The inventory is unusable; every problem found is listed, not only the first.</summary>
internal sealed class InventoryException(IReadOnlyList<InventoryError> errors)
    : Exception("invalid inventory:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<InventoryError> Errors { get; } = errors;
}
