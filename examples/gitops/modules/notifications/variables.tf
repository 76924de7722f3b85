variable "workflows_active" {
  description = "Whether this environment's workflows run when triggered. Per environment: it never needs promotion."
  type        = bool
  default     = true
}

variable "guides_active" {
  description = "Whether this environment shows its guides. Per environment: it never needs promotion."
  type        = bool
  default     = true
}
