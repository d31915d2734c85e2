import type { ToastMessageOptions } from 'primevue/toast';

type Sink = (message: ToastMessageOptions) => void;

let sink: Sink = () => undefined;

/**
 * Lets code outside components (route guards, API middleware) raise a toast.
 * App.vue plugs PrimeVue's toast service in with {@link setNotifier}.
 */
export function setNotifier(next: Sink): void {
  sink = next;
}

export function notify(message: ToastMessageOptions): void {
  sink({ life: 5000, ...message });
}
