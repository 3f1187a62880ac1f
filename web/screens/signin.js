// Sign-in screen: POST /v1/sessions, keep the CSRF token, load /v1/me and
// return to where the user was before the session ended.
import { html, api, csrf, session, navigate, takeReturnPath, useEffect } from '../lib.js';
import { useForm, Field, FormAlert, Button, Logo } from '../components.js';

export function SignIn() {
  const form = useForm({ email: '', password: '' });
  useEffect(() => {
    document.title = 'Sign in · Poise';
    const el = document.getElementById(`${form.id}-email`);
    if (el) el.focus();
  }, []);

  const submit = async (v) => {
    const s = await api('POST', '/v1/sessions', { body: { email: v.email.trim(), password: v.password } });
    csrf.set(s.csrf_token);
    const me = await api('GET', '/v1/me');
    session.set(me);
    navigate(takeReturnPath(), { replace: true });
  };

  // A failed sign-in is about the pair, not one field: show it above the form.
  const onSubmit = async (v) => {
    if (!v.email.trim()) throw Object.assign(new Error('Enter your email address.'), { param: 'email' });
    if (!v.password) throw Object.assign(new Error('Enter your password.'), { param: 'password' });
    try {
      await submit(v);
    } catch (e) {
      if (e.status === 401 || e.status === 429) throw Object.assign(new Error(e.message), { param: null });
      throw e;
    }
  };

  return html`<div class="signin-page">
    <main class="signin-card" id="main">
      <div class="signin-brand"><${Logo} /></div>
      <h1>Sign in</h1>
      <p class="signin-sub">Welcome back. Sign in to your practice.</p>
      <form noValidate onSubmit=${form.handleSubmit(onSubmit)}>
        <${FormAlert} message=${form.formError} />
        <${Field} form=${form} name="email" label="Email" type="email" autocomplete="username" autocapitalize="off" spellcheck="false" />
        <${Field} form=${form} name="password" label="Password" type="password" autocomplete="current-password" />
        <${Button} type="submit" variant="primary" class="btn-block" busy=${form.busy}>Sign in<//>
      </form>
    </main>
    <p class="signin-foot">Poise · point of sale for medical-aesthetics practices</p>
  </div>`;
}
