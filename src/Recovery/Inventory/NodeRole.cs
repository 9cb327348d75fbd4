namespace Recovery.Inventory;

public enum NodeRole
{
    ControlPlane,
    Etcd,
}
