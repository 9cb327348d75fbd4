namespace Recovery.Inventory;

internal enum NodeRole
{
    ControlPlane,
    Etcd,
}
