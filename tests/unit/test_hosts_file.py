"""The box's name on 127.0.1.1 in /etc/hosts: added, renamed, and the owner's own lines kept."""

from sigmavault.system.hosts_file import DEBIAN_DEFAULT, names_on, with_host_name


def test_missing_or_empty_file_becomes_debians_default_with_the_name_after_localhost():
    for text in (None, "", "\n"):
        hosts = with_host_name(text, "nas")
        assert hosts.splitlines()[:2] == ["127.0.0.1\tlocalhost", "127.0.1.1\tnas"]
        assert "ff02::2\t\tip6-allrouters" in hosts.splitlines()


def test_a_file_that_already_names_the_box_is_left_as_it_is():
    text = "127.0.0.1 localhost\n127.0.1.1 nas.example.org nas  # kept\n"
    assert with_host_name(text, "nas") == text


def test_another_name_on_127_0_1_1_is_replaced_and_other_lines_kept():
    text = "# mine\n127.0.0.1 localhost\n127.0.1.1 oldname\n10.0.0.5 backup-box\n"
    hosts = with_host_name(text, "nas")
    assert hosts == "# mine\n127.0.0.1 localhost\n127.0.1.1\tnas\n10.0.0.5 backup-box\n"
    assert with_host_name(hosts, "nas") == hosts


def test_a_file_without_localhost_gets_the_name_first():
    assert with_host_name("10.0.0.5 backup-box\n", "nas") == "127.0.1.1\tnas\n10.0.0.5 backup-box\n"


def test_commented_lines_do_not_count_as_naming_the_box():
    text = DEBIAN_DEFAULT + "#127.0.1.1 nas\n"
    assert names_on(text, "127.0.1.1") == []
    assert names_on(with_host_name(text, "nas"), "127.0.1.1") == ["nas"]
