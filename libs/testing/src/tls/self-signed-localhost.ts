/**
 * A self-signed certificate for `127.0.0.1` and `localhost` (EC P-256, valid until 2126), and its
 * key: for HTTPS test servers that clients must refuse unless told not to verify certificates.
 * TEST ONLY: the key is public, in this file.
 */
export const SELF_SIGNED_LOCALHOST: { readonly key: string; readonly cert: string } = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJKD+tuG05xTYl3U4
0OWz+Q8Vl30IBItszORAUlCzol+hRANCAARLp8bf1/XDyFRSAEKMnMrAO4+FuiyH
m3dlCufw9ywRjpYSWn7+ly3idq4BopPt52iVYYVm0GgBF0BW9Dax7h0Q
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUNfRrCl10nd/v9wYgwyxf7u/nyrswCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyOTA2MzgxN1oYDzIxMjYxMTA1
MDYzODE3WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARLp8bf1/XDyFRSAEKMnMrAO4+FuiyHm3dlCufw9ywRjpYSWn7+ly3i
dq4BopPt52iVYYVm0GgBF0BW9Dax7h0Qo28wbTAdBgNVHQ4EFgQU0QtLmlElOoqO
WZEcEhWgqFJiuDwwHwYDVR0jBBgwFoAU0QtLmlElOoqOWZEcEhWgqFJiuDwwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSAAwRQIgHXk3RwB5nNzqfFD88KnLk3GDZnfhY5tWwUflHP8CqMcCIQCI
BjGeK8ulywjgcHVP4JQrBsozRZxxOM7HY4nRpaxdbA==
-----END CERTIFICATE-----
`,
};
