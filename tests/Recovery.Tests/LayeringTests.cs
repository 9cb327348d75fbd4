using System.Reflection;
using System.Reflection.Emit;
using Recovery.Execution;

namespace Recovery.Tests;

/// <summary>
/// DESIGN.md "Layout": Cli -> Execution -> Planning -> Diagnosis -> Facts -> Access, Kubernetes beside Facts;
/// no folder depends on one above it. Checked on the compiled library, method bodies included (IL), so a
/// fully qualified name or a lambda cannot hide a dependency the way it hides from a scan of `using` lines.
/// </summary>
public sealed class LayeringTests
{
    // Higher may use lower; equal ranks may not use each other. Facts reads Services through Kubernetes
    // (kubectl, etcd), so Kubernetes sits just below it. A new folder must be placed here on purpose.
    private static readonly Dictionary<string, int> Rank = new(StringComparer.Ordinal)
    {
        ["Execution"] = 70,
        ["Prevention"] = 45,
        ["Planning"] = 60,
        ["Diagnosis"] = 50,
        ["Facts"] = 40,
        ["Kubernetes"] = 30,
        ["Commands"] = 20,
        ["Access"] = 10,
        ["Inventory"] = 5,
        ["State"] = 5,
        ["Addresses"] = 1,
        ["Logging"] = 0,
    };

    private static readonly Assembly Library = typeof(Runner).Assembly;

    [Fact]
    public void NoFolderDependsOnOneAboveIt()
    {
        var edges = Dependencies();
        var unplaced = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Where(f => !Rank.ContainsKey(f)).ToList();
        Assert.True(unplaced.Count == 0, $"folders without a layer in {nameof(LayeringTests)}.{nameof(Rank)}: {string.Join(", ", unplaced)}");
        var upward = edges
            .Where(e => e.From != e.To && Rank[e.To] >= Rank[e.From])
            .Select(e => $"{e.From} -> {e.To} ({e.Where})")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(upward.Count == 0, "dependencies against the layering:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void TheScanSeesTypesNamedOnlyInsideMethodBodies()
    {
        var body = typeof(LayeringTests).GetMethod(nameof(NamesLocalNodeFinderInItsBody), BindingFlags.NonPublic | BindingFlags.Static)!;
        Assert.Contains(typeof(Recovery.Facts.LocalNodeFinder), InBody(body));
        Assert.Contains(Dependencies(), e => e.From == "Execution" && e.To == "Planning");
    }

    private static int NamesLocalNodeFinderInItsBody() => Recovery.Facts.LocalNodeFinder.ReadLocalAddresses().Count;

    private sealed record Edge(string From, string To, string Where);

    private static List<Edge> Dependencies()
    {
        var edges = new List<Edge>();
        foreach (var type in Library.GetTypes())
        {
            if (Folder(type) is not { } from) continue;
            foreach (var used in Referenced(type))
            {
                if (Folder(used) is { } to && to != from) edges.Add(new Edge(from, to, $"{Outermost(type).FullName} uses {used.FullName}"));
            }
        }
        return edges;
    }

    /// <summary>The folder a type lives in: the second part of its namespace (Recovery.Kubernetes.Etcd -> Kubernetes).</summary>
    private static string? Folder(Type type)
    {
        if (type.IsGenericParameter || type.Assembly != Library) return null;
        var parts = (Outermost(type).Namespace ?? "").Split('.');
        return parts.Length >= 2 && parts[0] == "Recovery" ? parts[1] : null;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer) type = outer;
        return type;
    }

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static IEnumerable<Type> Referenced(Type type)
    {
        var found = new List<Type?> { type.BaseType };
        found.AddRange(type.GetInterfaces());
        found.AddRange(type.GetFields(All).Select(f => f.FieldType));
        found.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo m) found.Add(m.ReturnType);
            found.AddRange(method.GetParameters().Select(p => p.ParameterType));
            found.AddRange(InBody(method));
        }
        return found.OfType<Type>().SelectMany(Expand);
    }

    /// <summary>A type and the types it is built from (generic arguments, element types).</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (var t in Expand(element)) yield return t;
        }
        if (type.IsGenericType)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Expand)) yield return t;
        }
    }

    /// <summary>The types a method body names: calls, field accesses, allocations, casts, typeof.</summary>
    private static IEnumerable<Type> InBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        var i = 0;
        while (i < il.Length)
        {
            var code = il[i] == 0xFE ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += code.Size;
            var operand = code.OperandType;
            if (operand is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                var token = BitConverter.ToInt32(il, i);
                MemberInfo? member = null;
                try
                {
                    member = method.Module.ResolveMember(token, typeArgs, methodArgs);
                }
                catch (ArgumentException)
                {
                    // A token into another module's generic context; not one of ours.
                }
                if (member is Type t) yield return t;
                else if (member?.DeclaringType is { } declaring) yield return declaring;
                if (member is MethodInfo called)
                {
                    yield return called.ReturnType;
                    foreach (var p in called.GetParameters()) yield return p.ParameterType;
                    if (called.IsGenericMethod)
                    {
                        foreach (var g in called.GetGenericArguments()) yield return g;
                    }
                }
                if (member is FieldInfo field) yield return field.FieldType;
            }
            i += OperandSize(operand, il, i);
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    private static readonly OpCode[] OneByte = new OpCode[256];
    private static readonly OpCode[] TwoByte = new OpCode[256];

    static LayeringTests()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            if (code.Size == 1) OneByte[(byte)code.Value] = code;
            else TwoByte[(byte)(code.Value & 0xFF)] = code;
        }
    }
}
