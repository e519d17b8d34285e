#include "bindings/bindings.h"
#include "ScreenGuard.h"

int main(int argc, char * argv[]) {
	// Cover the window while the screen is recorded or mirrored and in the app switcher snapshot
	// (ScreenGuard.mm). Registered before the Rust side starts UIKit, so no notification is missed.
	IKDScreenGuardInstall();
	ffi::start_app();
	return 0;
}
