import type { Screen } from '../screen';
import type { ScreenName } from '../router';
import { activateScreen, registerScreen, statusScreen, welcomeScreen } from './onboarding';
import { livenessScreen } from './liveness';
import { recoverConfirmScreen, recoverScreen } from './recovery';
import { unlockScreen } from './unlock';
import { homeScreen } from './home';
import { ktpScreen } from './ktp';
import { activityScreen, biodataScreen, familyScreen, serviceScreen } from './info';
import { changePinScreen, releaseScreen } from './account';

export const screens: Record<ScreenName, Screen> = {
  welcome: welcomeScreen,
  register: registerScreen,
  liveness: livenessScreen,
  recover: recoverScreen,
  'recover-confirm': recoverConfirmScreen,
  status: statusScreen,
  activate: activateScreen,
  unlock: unlockScreen,
  home: homeScreen,
  ktp: ktpScreen,
  biodata: biodataScreen,
  family: familyScreen,
  activity: activityScreen,
  'change-pin': changePinScreen,
  release: releaseScreen,
  service: serviceScreen,
};
