//! `kubectl get svc|nodes|pods|endpointslices` tables, cell for cell as a live cluster
//! prints them (facts section 9).
