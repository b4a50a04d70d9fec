import { StoreSettings } from '@switchyard/config';

/** The admin app's settings, from the environment (see the README's table); the listener's are `AdminApiSettings`. */
export class AdminEnvironment extends StoreSettings {}
