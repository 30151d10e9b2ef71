"""What the host plan does about the name: set it (with /etc/hosts), only mend /etc/hosts, or nothing."""

from pathlib import Path

from sigmavault.system.host import HostFacts, plan_host

ETC = Path("/target/etc")
NAMED_HOSTS = "127.0.0.1\tlocalhost\n127.0.1.1\tnas\n"


def _facts(hostname="nas", hosts=NAMED_HOSTS):
    return HostFacts(hostname, hostname + "\n", None, None, hosts)


def test_a_new_name_is_set_with_its_hosts_line_in_one_step():
    plan = plan_host({"hostname": "nas"}, _facts(hostname="debian", hosts="127.0.0.1\tlocalhost\n"), ETC)
    [step] = plan.steps
    assert step.commands == (("hostname", "nas"),)
    assert dict(step.writes) == {"/target/etc/hostname": "nas\n", "/target/etc/hosts": NAMED_HOSTS}


def test_a_box_with_the_right_name_but_not_in_hosts_only_gets_hosts_mended():
    [step] = plan_host({"hostname": "nas"}, _facts(hosts="127.0.0.1\tlocalhost\n"), ETC).steps
    assert step.commands == () and dict(step.writes) == {"/target/etc/hosts": NAMED_HOSTS}


def test_nothing_to_do_when_name_and_hosts_agree_or_no_name_is_declared():
    assert plan_host({"hostname": "nas"}, _facts(), ETC).steps == []
    assert plan_host({"hostname": None}, _facts(hosts=None), ETC).steps == []
