/** Prisma's client property for a model: `Item` -> `item`, `BlogPost` -> `blogPost`. */
export function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}
