#!/bin/sh
# git ≥ 2.46's capability[]=authtype tests (helper_test_authtype in git's lib-credential.sh),
# which git's t0303 does not call (only t0301, for credential-cache, does), run against
# $GIT_TEST_CREDENTIAL_HELPER. git's test-lib.sh and lib-credential.sh are sourced from the
# git source tree in $TEST_DIRECTORY (its t/); t0303.test.ts runs this script.

test_description='external helper: capability[]=authtype'

. "$TEST_DIRECTORY"/test-lib.sh
. "$TEST_DIRECTORY"/lib-credential.sh

# helper_test_clean does not know these hosts. lib-credential's reject() always sends a
# username line (empty here), which would only match an empty username: without one, erase
# matches every user, as "helper (...) erases all matching credentials" checks.
authtype_clean () {
	for host in git.example.com git2.example.com
	do
		printf 'capability[]=authtype\nprotocol=https\nhost=%s\n' "$host" |
		git -c credential.helper="$1" credential reject
	done
}

# Before, for cruft from an earlier run; after, to leave a persistent store as we found it.
authtype_clean "$GIT_TEST_CREDENTIAL_HELPER"
helper_test_authtype "$GIT_TEST_CREDENTIAL_HELPER"
authtype_clean "$GIT_TEST_CREDENTIAL_HELPER"

test_done
