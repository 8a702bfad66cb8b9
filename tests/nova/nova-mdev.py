#!/usr/bin/python3
"""Drives OpenStack Nova's libvirt driver, unmodified, against mdevkit.

Run inside mdev-sandbox --libvirt-qemu (libvirtd with its node-device and
QEMU drivers, mdevd's tree at /sys, the mdevctl store at /etc/mdevctl.d),
with the Python of the Debian release whose Nova is tested
(tests/nova/test-nova.sh):

  nova-mdev.py PHASE --type TYPE=PCI-ADDRESS[=RESOURCE-CLASS]... --state FILE
               [--uri qemu:///system]

With the default URI, nodedev:///system (mdev-sandbox --libvirt), there are
no guests: Host.list_guests is made to return none, and no guest is defined.

  create   inventory, allocation and creation on a host without mdevs;
           writes what Nova created to FILE
  reboot   after a reboot (fresh mdevd state): persistent devices come back
           (autostart), and Nova restarts persistent devices that are
           stopped; transient ones (Nova creating through sysfs) are gone,
           and Nova 26 fails to recreate a guest's (exits 3 once it does)
  crash    a non-PCI parent (mtty, vfio_ap) is present: expects Nova's
           AttributeError ('NoneType' object has no attribute 'vendor_id');
           exits 3 when Nova no longer crashes

Every check compares what Nova returns with what the tree (sysfs), the
mdevctl store and libvirt say at the time; a failed check prints one FAIL
line and exits 1.
"""

import argparse
import json
import logging
import os
import sys
import time
import uuid as uuidlib

import libvirt
import os_resource_classes as orc

import nova.conf
import nova.conf.devices
import nova.privsep
from nova import version
from nova.compute import provider_tree
from nova.virt import fake
from nova.virt.libvirt import driver

CONF = nova.conf.CONF

# Exit status when the expected Nova crash did not happen (the crash test
# then tells the maintainer to update docs/nova.md).
NOVA_FIXED = 3


def fail(msg):
    print("FAIL: " + msg, flush=True)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)
    print("ok: " + msg, flush=True)


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("phase", choices=["create", "reboot", "crash"])
    p.add_argument("--type", action="append", default=[], required=True,
                   help="TYPE=PCI-ADDRESS[=RESOURCE-CLASS]")
    p.add_argument("--state", required=True)
    p.add_argument("--uri", default="nodedev:///system",
                   help="qemu:///system when libvirtd has its QEMU driver "
                   "(mdev-sandbox --libvirt-qemu): guests are real then")
    a = p.parse_args()
    types = []
    for t in a.type:
        parts = t.split("=")
        if len(parts) not in (2, 3) or not all(parts):
            p.error("--type %r: expected TYPE=PCI-ADDRESS[=CLASS]" % t)
        types.append((parts[0], parts[1], parts[2] if len(parts) > 2
                      else None))
    a.types = types
    return a


def configure(types, uri):
    CONF([], project="nova", default_config_files=[])
    CONF.set_override("connection_uri", uri, group="libvirt")
    CONF.set_override("enabled_mdev_types", [t for t, _, _ in types],
                      group="devices")
    nova.conf.devices.register_dynamic_opts(CONF)
    for mdev_type, address, rc in types:
        group = "mdev_" + mdev_type
        CONF.set_override("device_addresses", [address], group=group)
        if rc:
            CONF.set_override("mdev_class", rc, group=group)
    # Nova 26 creates mdevs in a privsep daemon. The default helper is
    # "sudo privsep-helper"; we already are root, so the daemon is started
    # directly (the same channel and entrypoint, without sudo).
    CONF.set_override("helper_command", "privsep-helper",
                      group="nova_sys_admin")


def libvirt_name(address):
    return "pci_" + address.replace(":", "_").replace(".", "_")


# --- what the machine says, read without Nova --------------------------

def tree_available(address, mdev_type):
    path = "/sys/class/mdev_bus/%s/mdev_supported_types/%s/" \
        "available_instances" % (address, mdev_type)
    with open(path) as f:
        return int(f.read())


def tree_devices():
    """{uuid: (parent address, type)} of the mdevs in /sys/bus/mdev."""
    out = {}
    base = "/sys/bus/mdev/devices"
    for u in os.listdir(base):
        real = os.path.realpath(os.path.join(base, u))
        parent = os.path.basename(os.path.dirname(real))
        mtype = os.path.basename(os.readlink(os.path.join(real, "mdev_type")))
        out[u] = (parent, mtype)
    return out


def store_definition(address, u):
    path = "/etc/mdevctl.d/%s/%s" % (address, u)
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def libvirt_mdev(conn, u):
    """The libvirt node device of mdev U (active or only defined), or None."""
    flags = (libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV |
             libvirt.VIR_CONNECT_LIST_NODE_DEVICES_ACTIVE |
             libvirt.VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE)
    for dev in conn.listAllDevices(flags):
        if "<uuid>%s</uuid>" % u in dev.XMLDesc(0):
            return dev
    return None


# --- Nova ---------------------------------------------------------------

def make_driver(a):
    # Before the driver is built: LibvirtDriver.__init__ reads
    # [devices] enabled_mdev_types once.
    configure(a.types, a.uri)
    drv = driver.LibvirtDriver(fake.FakeVirtAPI(), False)
    if not a.uri.startswith("qemu:"):
        # Only the node-device driver runs, so listing guests fails; a
        # compute host without guests has none.
        drv._host.list_guests = lambda only_running=True: []
    persistent = hasattr(driver, "MIN_LIBVIRT_PERSISTENT_MDEV") and \
        drv._host.has_min_version(driver.MIN_LIBVIRT_PERSISTENT_MDEV)
    return drv, persistent


def version_line(drv, persistent):
    def dotted(v):
        return "%d.%d.%d" % (v // 1000000, v // 1000 % 1000, v % 1000)

    lv = drv._host.get_connection().getLibVersion()
    print("Nova %s, libvirt %s (python binding %s); mdevs created "
          "through %s" % (version.version_string(), dotted(lv),
                          dotted(libvirt.getVersion()),
                          "libvirt (persistent)" if persistent
                          else "sysfs via privsep (transient)"), flush=True)


def check_inventory(drv, types, existing):
    """Nova's view of parents, types and inventories against the tree's;
    EXISTING is {uuid: (address, type)} of the mdevs present."""
    want_types = [t for t, _, _ in types]
    check(drv.supported_vgpu_types == want_types,
          "supported types %s" % drv.supported_vgpu_types)

    capable = {d["dev_id"]: d for d in
               drv._get_mdev_capable_devices(types=want_types)}
    for mdev_type, address, _ in types:
        name = libvirt_name(address)
        avail = tree_available(address, mdev_type)
        got = capable.get(name, {}).get("types", {}).get(mdev_type, {})
        check(got.get("availableInstances") == avail,
              "capable device %s %s: availableInstances %s, tree %d" %
              (name, mdev_type, got.get("availableInstances"), avail))

    mdevs = {m["uuid"]: m for m in drv._get_mediated_devices()}
    check(sorted(mdevs) == sorted(existing),
          "mediated devices %s = tree's" % sorted(mdevs))
    for u, (address, mtype) in existing.items():
        check(mdevs[u]["parent"] == libvirt_name(address) and
              mdevs[u]["type"] == mtype,
              "mdev %s: parent %s type %s" % (u, mdevs[u]["parent"],
                                             mdevs[u]["type"]))

    inv = drv._get_gpu_inventories()
    totals = {}
    for mdev_type, address, _ in types:
        name = libvirt_name(address)
        used = sum(1 for a, t in existing.values()
                   if a == address and t == mdev_type)
        want = tree_available(address, mdev_type) + used
        got = inv.get(name, {}).get("total")
        check(got == want and inv[name]["max_unit"] == want,
              "inventory %s: total %s = available %d + existing %d" %
              (name, got, want - used, used))
        totals[name] = got
    check(sorted(inv) == sorted(totals),
          "inventories only for the configured parents: %s" % sorted(inv))
    return inv


def provider_tree_for(drv, types, nodename="compute0"):
    """The placement tree Nova reports: one child provider per parent,
    holding the type's resource class."""
    pt = provider_tree.ProviderTree()
    pt.new_root(nodename, str(uuidlib.uuid4()))
    drv._update_provider_tree_for_vgpu(pt, nodename)
    inv = drv._get_gpu_inventories()
    rps = {}
    for mdev_type, address, rc in types:
        name = libvirt_name(address)
        rp = pt.data("%s_%s" % (nodename, name))
        want_rc = rc or orc.VGPU
        check(rp.inventory.get(want_rc, {}).get("total") ==
              inv[name]["total"],
              "provider %s: %s total %s" % (rp.name, want_rc,
                                            rp.inventory.get(want_rc, {})
                                            .get("total")))
        rps[address] = (rp.uuid, want_rc)
    # _allocate_mdevs() maps an allocation to a parent through the tree
    # the last update_provider_tree() left on the driver.
    drv.provider_tree = pt
    return rps


def define_instance(conn, name, u):
    """Defines (does not start) a guest using mdev U, as Nova's spawn
    writes it; Nova learns which mdevs are assigned from guests' XML."""
    xml = """<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source><address uuid='%s'/></source>
    </hostdev>
  </devices>
</domain>""" % (name, u)
    return conn.defineXML(xml).UUIDString()


def wait_active(conn, u, seconds):
    """Seconds until libvirt lists U active, None if not within SECONDS."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        dev = libvirt_mdev(conn, u)
        if dev is not None and dev.isActive() == 1:
            return time.monotonic() - t0
        time.sleep(0.05)
    return None


def check_created(conn, persistent, address, mdev_type, u, before):
    devs = tree_devices()
    check(devs.get(u) == (address, mdev_type),
          "%s exists in /sys/bus/mdev/devices under %s as %s" %
          (u, address, mdev_type))
    avail = tree_available(address, mdev_type)
    check(avail == before - 1,
          "%s %s: available_instances %d -> %d" % (address, mdev_type,
                                                   before, avail))
    if persistent:
        # Created through libvirt's API: libvirt must know it when the call
        # returns (Nova goes on to use it); if not, say how late it was.
        dev = libvirt_mdev(conn, u)
        if dev is None or dev.isActive() != 1:
            late = wait_active(conn, u, 10)
            fail("libvirt does not list %s active right after its creation "
                 "(%s)" % (u, "active after %.2f s" % late if late is not None
                           else "not active within 10 s"))
        print("ok: libvirt lists %s active" % u)
    else:
        # Written to sysfs: libvirt learns of it from the uevent, later (as
        # on a kernel), and Nova does not ask libvirt before using it.
        late = wait_active(conn, u, 5)
        check(late is not None,
              "libvirt lists %s active after its uevent (%.2f s)" %
              (u, late if late is not None else -1))
        dev = libvirt_mdev(conn, u)
        pctxt = nova.privsep.sys_admin_pctxt
        check(pctxt.channel is not None and pctxt.channel.running,
              "the create was written by the privsep daemon (%s)" %
              CONF.nova_sys_admin.helper_command)
    d = store_definition(address, u)
    if persistent:
        # libvirt learns a definition from the store's file events and its
        # next `mdevctl list --defined` (asynchronously); Nova needs it only
        # at the next boot. Bounded: 2 s.
        t0 = time.monotonic()
        while True:
            dev = libvirt_mdev(conn, u)
            state = (dev.isPersistent(), dev.autostart()) if dev else None
            if state == (1, 1) or time.monotonic() - t0 > 2:
                break
            time.sleep(0.05)
        check(state == (1, 1),
              "libvirt: %s persistent, autostart %s after %.2f s" %
              (u, state, time.monotonic() - t0))
        check(d is not None and d.get("mdev_type") == mdev_type and
              d.get("start") == "auto",
              "/etc/mdevctl.d/%s/%s: %s" % (address, u, d))
    else:
        check(dev.isPersistent() == 0 and d is None,
              "%s transient: no definition, not persistent" % u)


def timed(fn, *args):
    t0 = time.monotonic()
    r = fn(*args)
    return r, (time.monotonic() - t0) * 1000


def phase_create(a):
    drv, persistent = make_driver(a)
    conn = drv._host.get_connection()
    version_line(drv, persistent)
    check(tree_devices() == {}, "no mdevs on the fresh host")
    # PCI-only hardware: every parent libvirt lists is a PCI device, and
    # Nova walks them all, the ones without an enabled type too.
    parents = sorted(libvirt_name(p) for p in os.listdir("/sys/class/mdev_bus"))
    listed = sorted(drv._host.list_mdev_capable_devices())
    check(listed == parents and all(n.startswith("pci_") for n in listed),
          "libvirt lists the tree's parents, all PCI: %s" % listed)
    inv = check_inventory(drv, a.types, {})
    rps = provider_tree_for(drv, a.types)

    created = {}
    times = []
    guests = a.uri.startswith("qemu:")
    instances = {}  # mdev uuid: guest uuid
    # Allocation: what the compute manager does when placement gave an
    # instance one unit on a parent's provider.
    for mdev_type, address, _ in a.types:
        before = tree_available(address, mdev_type)
        rp_uuid, rc = rps[address]
        alloc = {rp_uuid: {"resources": {rc: 1}}}
        got, ms = timed(drv._allocate_mdevs, alloc)
        times.append(ms)
        check(got is not None and len(got) == 1,
              "allocation on %s gave %s (%.0f ms)" % (address, got, ms))
        check_created(conn, persistent, address, mdev_type, got[0], before)
        created[got[0]] = (address, mdev_type)
        if guests and not instances:
            # A guest now uses it: the next allocation must not hand it
            # out again, so Nova creates another.
            dom = define_instance(conn, "instance-1", got[0])
            instances[got[0]] = dom
            check(drv._get_all_assigned_mediated_devices() == {got[0]: dom},
                  "Nova reads from libvirt that guest %s has %s" %
                  (dom, got[0]))
            before = tree_available(address, mdev_type)
            got, ms = timed(drv._allocate_mdevs, alloc)
            times.append(ms)
            check(got is not None and got[0] not in instances,
                  "an allocation on %s gave a new mdev %s (%.0f ms)" %
                  (address, got, ms))
            check_created(conn, persistent, address, mdev_type, got[0],
                          before)
            created[got[0]] = (address, mdev_type)
        # An mdev that exists but is assigned to no guest is reused.
        before = tree_available(address, mdev_type)
        again = drv._allocate_mdevs(alloc)
        check(again == got and tree_available(address, mdev_type) ==
              before, "a second allocation on %s reuses %s" %
              (address, got[0]))

    # Creation on a named parent, as the allocation does when nothing
    # unassigned is left (and as Nova's reshape and migration paths do).
    mdev_type, address, _ = a.types[0]
    before = tree_available(address, mdev_type)
    u, ms = timed(drv._create_new_mediated_device, libvirt_name(address))
    times.append(ms)
    check(u is not None, "_create_new_mediated_device(%s) = %s (%.0f ms)" %
          (libvirt_name(address), u, ms))
    check_created(conn, persistent, address, mdev_type, u, before)
    created[u] = (address, mdev_type)

    # Exhaustion, on the parent with the fewest left: Nova creates while
    # the tree says there is room and refuses (None) once it says 0.
    mdev_type, address, _ = min(a.types,
                                key=lambda t: tree_available(t[1], t[0]))
    while tree_available(address, mdev_type) > 0:
        before = tree_available(address, mdev_type)
        u, ms = timed(drv._create_new_mediated_device, libvirt_name(address))
        times.append(ms)
        check(u is not None, "_create_new_mediated_device(%s) = %s with "
              "%d left (%.0f ms)" % (libvirt_name(address), u, before, ms))
        check_created(conn, persistent, address, mdev_type, u, before)
        created[u] = (address, mdev_type)
    n = len(tree_devices())
    u = drv._create_new_mediated_device(libvirt_name(address))
    check(u is None and len(tree_devices()) == n,
          "with 0 left on %s Nova creates nothing" % address)

    after = check_inventory(drv, a.types, created)
    check(all(after[n]["total"] == inv[n]["total"] for n in inv),
          "inventory totals unchanged by creation: %s" %
          {n: after[n]["total"] for n in after})
    free = drv._get_existing_mdevs_not_assigned(None, drv.supported_vgpu_types)
    check(free == set(created) - set(instances),
          "%d created mdevs unassigned, %d assigned" %
          (len(free), len(instances)))
    with open(a.state, "w") as f:
        json.dump({"persistent": persistent, "created": created,
                   "instances": instances}, f)
    times_ms = " ".join("%.0f" % t for t in times)
    if persistent:
        # libvirt sleeps 5 s when its lookup after `mdevctl start` misses
        # the new device (the create race of issue 11): none may take that
        check(max(times) < 1000, "every creation under 1 s (ms: %s)" %
              times_ms)
    else:
        # sysfs writes through privsep (Nova 26): the first starts it
        print("creation times (ms): %s" % times_ms)


def phase_reboot(a):
    with open(a.state) as f:
        st = json.load(f)
    created = {u: tuple(v) for u, v in st["created"].items()}
    drv, persistent = make_driver(a)
    conn = drv._host.get_connection()
    version_line(drv, persistent)
    check(persistent == st["persistent"], "same creation path as before")
    if not persistent:
        # Devices written to sysfs are gone after a reboot, as on a kernel.
        check(tree_devices() == {}, "no mdevs after the reboot")
        check_inventory(drv, a.types, {})
        instances = st.get("instances", {})
        if not instances:
            return
        # Nova's init_host before persistent mdevs: recreate, with the same
        # UUID, every mdev a guest's XML names. Nova 26 first asks libvirt
        # about the device it is to recreate, which after a reboot libvirt
        # cannot know: a Nova bug (docs/nova.md, "Client bugs").
        try:
            drv._recreate_assigned_mediated_devices()
        except libvirt.libvirtError as e:
            frames = []
            tb = e.__traceback__
            while tb is not None:
                frames.append(tb.tb_frame.f_code.co_name)
                tb = tb.tb_next
            u = next(iter(instances))
            check("_get_mediated_device_information" in frames and
                  e.get_error_code() == libvirt.VIR_ERR_NO_NODE_DEVICE and
                  "mdev_" + u.replace("-", "_") in str(e),
                  "Nova 26 still fails to recreate guest mdev %s: %s" %
                  (u, e))
            check(tree_devices() == {}, "nothing was recreated")
            return
        want = {u: created[u] for u in instances}
        check(tree_devices() == want,
              "_recreate_assigned_mediated_devices() recreated %s" %
              sorted(want))
        print("Nova no longer fails to recreate a guest's mdev after a "
              "reboot: update the 'Client bugs' section of docs/nova.md and "
              "tests/nova/", flush=True)
        sys.exit(NOVA_FIXED)

    # mdevd ran mdevctl start-parent-mdevs for each parent at boot (the
    # udev rule's job): every autostart definition is active again.
    check(tree_devices() == created,
          "after the reboot the %d definitions are active again" %
          len(created))
    check_inventory(drv, a.types, created)
    instances = st.get("instances", {})
    check(drv._get_all_assigned_mediated_devices() == instances,
          "the guests' mdevs are still theirs: %s" % instances)

    # The parent came back but its devices did not start (the rule did not
    # run, or the device was stopped): Nova's init_host starts them.
    for u in created:
        libvirt_mdev(conn, u).destroy()
    check(tree_devices() == {}, "stopped through libvirt: no mdevs active")
    # libvirt marks a stopped device inactive when mdevd's remove event
    # arrives, after destroy() returned: the set-up waits for that.
    flags = (libvirt.VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV |
             libvirt.VIR_CONNECT_LIST_NODE_DEVICES_INACTIVE)
    t0 = time.monotonic()
    while (len(drv._host.list_all_devices(flags)) != len(created) and
           time.monotonic() - t0 < 10):
        time.sleep(0.05)
    inactive = drv._host.list_all_devices(flags)
    check(len(inactive) == len(created),
          "libvirt lists %d inactive mdevs (after %.2f s)" %
          (len(inactive), time.monotonic() - t0))
    before = {(a_, t): tree_available(a_, t) for a_, t in created.values()}
    _, ms = timed(drv._start_inactive_mediated_devices)
    check(tree_devices() == created,
          "_start_inactive_mediated_devices() started all %d (%.0f ms)" %
          (len(created), ms))
    for (address, mdev_type), n in before.items():
        used = sum(1 for v in created.values() if v == (address, mdev_type))
        check(tree_available(address, mdev_type) == n - used,
              "%s %s: available_instances %d -> %d" %
              (address, mdev_type, n, n - used))
    for u, (address, mdev_type) in created.items():
        # virNodeDeviceCreate() returns once mdevctl started the device;
        # libvirt marks it active on the uevent (as with a kernel), so the
        # check waits for that, boundedly.
        late = wait_active(conn, u, 5)
        dev = libvirt_mdev(conn, u)
        print("libvirt saw %s start after %s s" %
              (u, "%.2f" % late if late is not None else "more than 5"))
        state = (dev.isActive(), dev.isPersistent(), dev.autostart())
        check(state == (1, 1, 1),
              "libvirt: %s active, persistent, autostart %s" % (u, state))
    check_inventory(drv, a.types, created)


def phase_crash(a):
    drv, persistent = make_driver(a)
    version_line(drv, persistent)
    # Without a non-PCI parent in libvirt's list there is nothing to show.
    nonpci = [n for n in drv._host.list_mdev_capable_devices()
              if not n.startswith("pci_")]
    check(nonpci != [], "libvirt lists non-PCI mdev parents: %s" % nonpci)
    try:
        drv._get_gpu_inventories()
    except AttributeError as e:
        # Where Nova fell: the frame that read the parent's PCI capability,
        # and the libvirt node device it was reading.
        tb, frame = e.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code.co_name == "_get_mdev_capabilities_for_dev":
                frame = tb.tb_frame
            tb = tb.tb_next
        check("'NoneType' object has no attribute 'vendor_id'" in str(e) and
              frame is not None,
              "Nova still raises AttributeError: %s (%s:%d %s)" %
              (e, os.path.relpath(frame.f_code.co_filename, "/usr/lib/python3"
                                  "/dist-packages") if frame else "?",
               frame.f_lineno if frame else 0,
               frame.f_code.co_name if frame else "?"))
        devname = frame.f_locals.get("devname", "")
        check(not devname.startswith("pci_"),
              "on the non-PCI parent's node device %s" % devname)
        return
    print("Nova no longer crashes on a non-PCI mdev parent: update the "
          "'Client bugs' section of docs/nova.md and tests/nova/", flush=True)
    sys.exit(NOVA_FIXED)


def main():
    a = parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    {"create": phase_create, "reboot": phase_reboot,
     "crash": phase_crash}[a.phase](a)


if __name__ == "__main__":
    main()
