using System.Globalization;

namespace Lab.StandIns.Kubelet;

/// <summary>
/// What the runtime would know of the running static pods, for the next kubelet: one file per manifest under the
/// runtime folder (the node's /run by default, gone with the node) holding the process (pid and start time) and the
/// manifest hash it runs. A real kubelet lists the runtime's containers instead, and finds the hash in their labels.
/// </summary>
internal sealed class PodRecords(string dir)
{
    public sealed record Entry(string Manifest, string Namespace, string Name, int Pid, string StartTime, string Hash);

    public void Save(PodProcess p)
    {
        Directory.CreateDirectory(dir);
        var path = PathFor(p.Pod.File);
        File.WriteAllLines(path + ".tmp", [p.Pod.File, p.Pod.Namespace, p.Pod.Name, p.Pid.ToString(CultureInfo.InvariantCulture), p.StartTime, p.Pod.ContentHash]);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public void Remove(string manifest) => File.Delete(PathFor(manifest));

    public IReadOnlyList<Entry> Load()
    {
        if (!Directory.Exists(dir))
            return [];
        var entries = new List<Entry>();
        foreach (var file in Directory.GetFiles(dir, "*.pod"))
        {
            var lines = File.ReadAllLines(file);
            if (lines.Length == 6 && int.TryParse(lines[3], CultureInfo.InvariantCulture, out var pid))
                entries.Add(new Entry(lines[0], lines[1], lines[2], pid, lines[4], lines[5]));
            else
                File.Delete(file);
        }
        return entries;
    }

    private string PathFor(string manifest) => Path.Combine(dir, Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(manifest)) + ".pod");
}
