//! Starts `brief lsp` (found on the PATH of the project's worktree) for the TOML files Zed opens.

use zed_extension_api as zed;

struct Brief;

impl zed::Extension for Brief {
    fn new() -> Self {
        Brief
    }

    fn language_server_command(
        &mut self,
        _id: &zed::LanguageServerId,
        worktree: &zed::Worktree,
    ) -> zed::Result<zed::Command> {
        let command = worktree
            .which("brief")
            .ok_or_else(|| "brief is not on the PATH: install it first".to_string())?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".into()],
            env: vec![],
        })
    }
}

zed::register_extension!(Brief);
